package handlers

import (
	"net/http"
	"strings"

	"github.com/confcal/confcal/internal/catalog"
)

// Route patterns of the responses front serves itself, as Gin names them: one label in
// metrics and logs whichever way a request went.
const (
	widgetRoute    = "/widget.js"
	pageRoute      = "/events/:event"
	eventFeedRoute = "/events/:event/calendar.ics"
	eventJSONRoute = "/api/v1/events/:event"
)

// hit is a request front serves itself: the route and what its answer is made of.
type hit struct {
	route string
	snap  *catalog.Snapshot
	body  *catalog.Body // the kept page
	file  string        // the personal feed's file name
}

// hot finds what front serves past Gin: personal feeds, and the responses fetched most
// (the event's page, feed and JSON, the widget) when they are kept already and asked for
// plainly (GET or HEAD, no query, nothing escaped in the path). Anything else (a miss, a
// query, an unknown event, another method) goes to Gin, which serves every route the same
// way, with its errors. hot writes nothing.
func (f *front) hot(r *http.Request) (hit, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return hit{}, false
	}
	p := r.URL.Path
	if file, ok := strings.CutPrefix(p, "/feeds/"); ok {
		// The token is the whole segment; the personal feed reads its own query.
		return hit{route: personalRoute, file: file}, file != "" && strings.IndexByte(file, '/') < 0
	}
	if r.URL.RawQuery != "" || r.URL.RawPath != "" {
		return hit{}, false
	}
	if p == widgetRoute {
		return hit{route: widgetRoute}, true
	}
	if slug, ok := strings.CutPrefix(p, "/api/v1/events/"); ok {
		snap := f.event(slug)
		return hit{route: eventJSONRoute, snap: snap}, snap != nil
	}
	rest, ok := strings.CutPrefix(p, "/events/")
	if !ok {
		return hit{}, false
	}
	if slug, ok := strings.CutSuffix(rest, "/calendar.ics"); ok {
		snap := f.event(slug)
		return hit{route: eventFeedRoute, snap: snap}, snap != nil
	}
	snap := f.event(rest)
	if snap == nil {
		return hit{}, false
	}
	// The page in the language Accept-Language asks for: pageLang without ?lang=.
	b, ok := snap.Kept(langKey("page", requestLanguage(r)))
	return hit{route: pageRoute, snap: snap, body: b}, ok
}

// event is the snapshot of the event one path segment names; nil for none.
func (f *front) event(slug string) *catalog.Snapshot {
	if slug == "" || strings.IndexByte(slug, '/') >= 0 {
		return nil
	}
	snap, ok := f.agenda.Get(slug)
	if !ok {
		return nil
	}
	return snap
}

// serve answers a hit as its Gin route would; it returns the status and bytes written.
func (f *front) serve(w http.ResponseWriter, r *http.Request, h hit) (status, size int) {
	switch h.route {
	case personalRoute:
		return f.feeds.personalFeed(w, r, h.file)
	case widgetRoute:
		return serveScript(w, r, f.scripts.widget, cacheScript)
	case eventJSONRoute:
		apiCORS(w.Header())
		return serveEventJSON(w, r, h.snap)
	case eventFeedRoute:
		return f.feeds.serveEvent(w, r, h.snap.Feed)
	default:
		w.Header()["Vary"] = varyLanguage
		return servePage(w, r, h.body, pageCSPHeader)
	}
}
