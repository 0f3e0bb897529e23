package handlers

import (
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/limit"
)

type feedRoutes struct {
	gate      *limit.Gate // assembling a feed not yet kept; nil for no bound
	agenda    Agenda
	schedules Schedules
	log       *slog.Logger
	metrics   *Metrics
}

// calendar serves the whole event feed, or a filtered one with ?track=a,b, ?room=a,b and
// ?day= (filters may be combined).
func (r *feedRoutes) calendar(c *gin.Context) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	// Event-wide feeds stay small enough for Google Calendar (catalog.MaxEventFeed); the
	// feeds of one track, room or session keep all the text.
	body := snap.Feed
	// Without a query (calendar apps polling the whole feed) there is no filter to read.
	if c.Request.URL.RawQuery != "" {
		f := catalog.Filter{Tracks: list(c.Query("track")), Rooms: list(c.Query("room")), Day: c.Query("day"), Bounded: true}.Normalize()
		if err := checkFilter(snap, f); err != nil {
			fail(c, r.log, err)
			return
		}
		if len(f.Tracks) > 0 || len(f.Rooms) > 0 || f.Day != "" {
			if body = r.filtered(c, snap, f); body == nil {
				return
			}
		}
	}
	r.serveEvent(c.Writer, c.Request, body)
}

// serveEvent sends an event-wide feed (the whole event's, or a filtered one) and counts the fetch.
func (r *feedRoutes) serveEvent(w http.ResponseWriter, req *http.Request, body *catalog.Body) (status, size int) {
	r.metrics.fetched("event", req)
	return serveBody(w, req, body, calendarType, cachePublicFeed)
}

// filtered returns a filtered feed; one not yet kept is assembled inside the gate. nil
// means the request was answered (shed).
func (r *feedRoutes) filtered(c *gin.Context, snap *catalog.Snapshot, f catalog.Filter) *catalog.Body {
	b, _ := keptOr(c, r.gate, func() (*catalog.Body, bool) { return snap.CachedFeed(f) },
		func() (*catalog.Body, error) { return snap.FilteredFeed(f), nil })
	return b
}

func list(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// track and room serve the feed of one track or one room: /tracks/ID.ics, /rooms/ID.ics.
func (r *feedRoutes) track(c *gin.Context) { r.one(c, "track") }
func (r *feedRoutes) room(c *gin.Context)  { r.one(c, "room") }

func (r *feedRoutes) one(c *gin.Context, kind string) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	id, ok := strings.CutSuffix(c.Param("file"), ".ics")
	f := catalog.Filter{Tracks: []string{id}}
	if kind == "room" {
		f = catalog.Filter{Rooms: []string{id}}
	}
	if !ok || checkFilter(snap, f) != nil {
		fail(c, r.log, notFound("unknown "+kind+" "+quote(id)))
		return
	}
	body := r.filtered(c, snap, f)
	if body == nil {
		return
	}
	r.metrics.fetched(kind, c.Request)
	writeBody(c, body, calendarType, cachePublicFeed)
}

// session serves one session as a download for "add to calendar".
func (r *feedRoutes) session(c *gin.Context) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	id, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok || !snap.InFeed(id) {
		fail(c, r.log, notFound("unknown or unscheduled session "+quote(id)))
		return
	}
	body := r.filtered(c, snap, catalog.Filter{IDs: []string{id}})
	if body == nil {
		return
	}
	r.metrics.fetched("session", c.Request)
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": id + ".ics"}))
	writeBody(c, body, calendarType, cachePublicFeed)
}

// personalRoute is the personal feed's route pattern, its name in metrics and logs.
const personalRoute = "/feeds/:file"

// personal serves a personal feed: through the front for GET and HEAD, through Gin only to
// answer other methods.
func (r *feedRoutes) personal(c *gin.Context) {
	r.personalFeed(c.Writer, c.Request, c.Param("file"))
}

// personalFeed serves the personal feed named by file ("TOKEN.ics") and returns the status
// and the bytes written. A schedule's feed is private to its owner, so shared caches must
// not keep it.
func (r *feedRoutes) personalFeed(w http.ResponseWriter, req *http.Request, file string) (status, size int) {
	token, ok := strings.CutSuffix(file, ".ics")
	if !ok || token == "" {
		return writeError(w, req, personalRoute, r.log, notFound("unknown feed"))
	}
	body, err := r.schedules.Feed(req.Context(), token)
	if err != nil {
		return writeError(w, req, personalRoute, r.log, err)
	}
	r.metrics.fetched("personal", req)
	// ?download=1 is the widget's "Download .ics": a cross-origin <a download> is ignored by
	// browsers, so the server asks for the download.
	if req.URL.RawQuery != "" && req.URL.Query().Get("download") != "" {
		w.Header()["Content-Disposition"] = []string{`attachment; filename="my-schedule.ics"`}
	}
	return serveBody(w, req, body, calendarType, cachePrivate)
}

func checkFilter(snap *catalog.Snapshot, f catalog.Filter) error {
	for _, id := range f.Tracks {
		if _, ok := snap.Event.Track(id); !ok {
			return notFound("unknown track " + quote(id))
		}
	}
	for _, id := range f.Rooms {
		if _, ok := snap.Event.Room(id); !ok {
			return notFound("unknown room " + quote(id))
		}
	}
	if f.Day == "" {
		return nil
	}
	d, err := time.Parse(time.DateOnly, f.Day)
	if err != nil {
		return badRequest("day: want YYYY-MM-DD, got " + quote(f.Day))
	}
	first, _ := time.Parse(time.DateOnly, snap.Event.StartDate)
	last, _ := time.Parse(time.DateOnly, snap.Event.EndDate)
	if d.Before(first) || d.After(last) {
		return notFound("day " + f.Day + " is not a day of the event")
	}
	return nil
}

var xmlType = []string{"application/xml; charset=utf-8"}

// frabJSON and frabXML serve the agenda in the frab/c3voc shape schedule apps read
// (Giggity, ConfClerk), with guids that stay the same across revisions.
func (r *feedRoutes) frabJSON(c *gin.Context) { r.frab(c, false) }
func (r *feedRoutes) frabXML(c *gin.Context)  { r.frab(c, true) }

func (r *feedRoutes) frab(c *gin.Context, asXML bool) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	js, x := snap.Frab()
	c.Writer.Header()["Access-Control-Allow-Origin"] = anyOrigin
	if asXML {
		writeBody(c, x, xmlType, cachePublicFeed)
		return
	}
	writeBody(c, js, jsonType, cachePublicFeed)
}
