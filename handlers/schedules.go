package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/feed"
	"github.com/confcal/confcal/internal/store"
)

// maxScheduleBody bounds a schedule request: 500 session ids fit with room to spare.
const maxScheduleBody = 64 << 10

type scheduleRoutes struct {
	agenda    Agenda
	schedules Schedules
	baseURL   string
	log       *slog.Logger
}

type scheduleRequest struct {
	Sessions        []string `json:"sessions"`
	ReminderMinutes *int     `json:"reminderMinutes"`
}

type scheduleJSON struct {
	ID              string   `json:"id"`
	Event           string   `json:"event"`
	Sessions        []string `json:"sessions"`
	ReminderMinutes *int     `json:"reminderMinutes"`
	Version         int      `json:"version"`
	UpdatedAt       string   `json:"updatedAt"`
	EditToken       string   `json:"editToken,omitempty"`
	*feed.Subscribe          // only when a feed token was just made: tokens are stored hashed
}

func (r *scheduleRoutes) create(c *gin.Context) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	var req scheduleRequest
	if err := decode(c, &req); err != nil {
		fail(c, r.log, err)
		return
	}
	created, err := r.schedules.Create(c.Request.Context(), snap.Event.Slug, req.Sessions, req.ReminderMinutes)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	out := r.view(created.Schedule, created.FeedToken)
	out.EditToken = created.EditToken
	c.Header("Location", r.baseURL+"/api/v1/schedules/"+created.Schedule.ID)
	r.reply(c, http.StatusCreated, out)
}

func (r *scheduleRoutes) get(c *gin.Context) {
	sc, err := r.schedules.Get(c.Request.Context(), c.Param("id"), bearer(c))
	r.respond(c, sc, "", err)
}

func (r *scheduleRoutes) replace(c *gin.Context) {
	var req scheduleRequest
	if err := decode(c, &req); err != nil {
		fail(c, r.log, err)
		return
	}
	sc, err := r.schedules.Replace(c.Request.Context(), c.Param("id"), bearer(c), req.Sessions, req.ReminderMinutes)
	r.respond(c, sc, "", err)
}

func (r *scheduleRoutes) star(c *gin.Context) {
	sc, err := r.schedules.Star(c.Request.Context(), c.Param("id"), bearer(c), c.Param("session"))
	r.respond(c, sc, "", err)
}

func (r *scheduleRoutes) unstar(c *gin.Context) {
	sc, err := r.schedules.Unstar(c.Request.Context(), c.Param("id"), bearer(c), c.Param("session"))
	r.respond(c, sc, "", err)
}

func (r *scheduleRoutes) rotate(c *gin.Context) {
	sc, token, err := r.schedules.Rotate(c.Request.Context(), c.Param("id"), bearer(c))
	r.respond(c, sc, token, err)
}

func (r *scheduleRoutes) remove(c *gin.Context) {
	if err := r.schedules.Delete(c.Request.Context(), c.Param("id"), bearer(c)); err != nil {
		fail(c, r.log, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusNoContent)
}

func (r *scheduleRoutes) respond(c *gin.Context, sc store.Schedule, feedToken string, err error) {
	if err != nil {
		fail(c, r.log, err)
		return
	}
	r.reply(c, http.StatusOK, r.view(sc, feedToken))
}

func (r *scheduleRoutes) reply(c *gin.Context, status int, v scheduleJSON) {
	c.Header("Cache-Control", "no-store")
	c.JSON(status, v)
}

func (r *scheduleRoutes) view(sc store.Schedule, feedToken string) scheduleJSON {
	out := scheduleJSON{
		ID: sc.ID, Event: sc.Event, Sessions: sc.Sessions, Version: sc.Version,
		UpdatedAt: sc.UpdatedAt.Format("2006-01-02T15:04:05Z07:00"),
	}
	if sc.AlarmMinutes >= 0 {
		m := sc.AlarmMinutes
		out.ReminderMinutes = &m
	}
	if feedToken != "" {
		name := sc.Event
		if snap, ok := r.agenda.Get(sc.Event); ok {
			name = snap.Event.Name
		}
		name += " · My schedule" // the name Outlook gives the subscribed calendar, as in the feed
		links := feed.SubscribeLinks(r.baseURL+"/feeds/"+feedToken+".ics", name)
		out.Subscribe = &links
	}
	return out
}

// bearer returns the token of an "Authorization: Bearer" header, or "".
func bearer(c *gin.Context) string {
	scheme, token, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// decode reads a JSON object of at most maxScheduleBody bytes into v, strictly: the body
// must be declared JSON (415) and be an object (400; json would read null as "no change").
func decode(c *gin.Context, v any) error {
	if err := requireJSON(c); err != nil {
		return err
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxScheduleBody))
	if err != nil {
		return err
	}
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] != '{' {
		return badRequest("malformed JSON: want an object such as {\"sessions\": [\"id\"]}")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return badRequest("malformed JSON: " + typ.Field + ": want " + typ.Type.String())
		}
		return badRequest("malformed JSON: " + strings.TrimPrefix(err.Error(), "json: "))
	}
	// More would report a stray "}" or "]" as the end of input; only the end is.
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("malformed JSON: unexpected data after the object")
	}
	return nil
}
