package handlers

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/feed"
	"github.com/confcal/confcal/internal/formats"
)

// Cache lifetimes. Agenda data may change at any time during an event, so shared caches
// keep it briefly and revalidate with the ETag.
// Header values are shared slices: the server only reads them.
var (
	cachePublicJSON = []string{"public, max-age=60, stale-while-revalidate=300"}
	cachePublicFeed = []string{"public, max-age=300"}
	cachePrivate    = []string{"private, max-age=300"}
	cacheAsset      = []string{"public, max-age=3600"}
	jsonType        = []string{"application/json; charset=utf-8"}
	calendarType    = []string{feed.ContentType}
	cssType         = []string{"text/css; charset=utf-8"}
	htmlType        = []string{"text/html; charset=utf-8"}
)

type eventRoutes struct {
	agenda Agenda
	log    *slog.Logger
}

type eventSummary struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	TimeZone  string `json:"timeZone"`
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
	Revision  int    `json:"revision"`
	URL       string `json:"url"`
	APIURL    string `json:"apiUrl"`
	FeedURL   string `json:"feedUrl"`
}

func (r *eventRoutes) list(c *gin.Context) {
	out := []eventSummary{}
	snaps := r.agenda.All()
	for _, s := range snaps {
		e := s.Event
		out = append(out, eventSummary{
			Slug: e.Slug, Name: e.Name, TimeZone: e.TimeZone, StartDate: e.StartDate, EndDate: e.EndDate,
			Revision: s.Revision, URL: s.PageURL(), APIURL: s.BaseURL + "/api/v1/events/" + e.Slug,
			FeedURL: s.PageURL() + "/calendar.ics",
		})
	}
	r.writeJSON(c, gin.H{"events": out}, lastChange(snaps))
}

func (r *eventRoutes) event(c *gin.Context) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	serveEventJSON(c.Writer, c.Request, snap)
}

func serveEventJSON(w http.ResponseWriter, r *http.Request, snap *catalog.Snapshot) (status, size int) {
	return serveBody(w, r, snap.JSON(), jsonType, cachePublicJSON)
}

func (r *eventRoutes) session(c *gin.Context) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	s, ok := snap.Event.Session(c.Param("id"))
	if !ok {
		fail(c, r.log, notFound("unknown session "+quote(c.Param("id"))))
		return
	}
	r.writeJSON(c, formats.NewSessionDoc(s, snap.Zone), snap.CreatedAt)
}

type speakerJSON struct {
	formats.SpeakerDoc
	SessionIDs []string `json:"sessionIds"`
}

func (r *eventRoutes) speaker(c *gin.Context) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	sp, ok := snap.Event.Speaker(c.Param("id"))
	if !ok {
		fail(c, r.log, notFound("unknown speaker "+quote(c.Param("id"))))
		return
	}
	out := speakerJSON{SpeakerDoc: formats.NewSpeakerDoc(sp), SessionIDs: []string{}}
	for _, s := range snap.Event.Sessions {
		for _, id := range s.SpeakerIDs {
			if id == sp.ID {
				out.SessionIDs = append(out.SessionIDs, s.ID)
			}
		}
	}
	r.writeJSON(c, out, snap.CreatedAt)
}

func (r *eventRoutes) writeJSON(c *gin.Context, v any, modified time.Time) {
	data, err := json.Marshal(v)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	writeBody(c, catalog.NewBody(data, modified), jsonType, cachePublicJSON)
}

// lastChange is when the newest of the snapshots' revisions was written.
func lastChange(snaps []*catalog.Snapshot) time.Time {
	var t time.Time
	for _, s := range snaps {
		if s.CreatedAt.After(t) {
			t = s.CreatedAt
		}
	}
	return t
}

// snapshot returns the snapshot named by the :event path parameter.
func snapshot(a Agenda, c *gin.Context) (*catalog.Snapshot, error) {
	slug := c.Param("event")
	s, ok := a.Get(slug)
	if !ok {
		return nil, notFound("unknown event " + quote(slug))
	}
	return s, nil
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	b, _ := json.Marshal(s)
	return string(b)
}
