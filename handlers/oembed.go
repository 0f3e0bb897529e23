package handlers

import (
	"encoding/json"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
)

// oembedRoutes is the oEmbed 1.0 provider (https://oembed.com) for our session, speaker
// and agenda pages: a "rich" response whose html is an iframe of the matching embed page.
type oembedRoutes struct {
	agenda  Agenda
	baseURL string
	log     *slog.Logger
}

type oembedJSON struct {
	Type         string `json:"type"`
	Version      string `json:"version"`
	Title        string `json:"title"`
	AuthorName   string `json:"author_name,omitempty"`
	AuthorURL    string `json:"author_url,omitempty"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	CacheAge     int    `json:"cache_age"`
	HTML         string `json:"html"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
}

// Default iframe sizes per kind; maxwidth and maxheight only ever shrink them.
var embedSizes = map[string][2]int{"agenda": {800, 1000}, "sessions": {600, 320}, "speakers": {600, 300}}

func (r *oembedRoutes) serve(c *gin.Context) {
	h := c.Writer.Header()
	h["Access-Control-Allow-Origin"] = anyOrigin
	if f := c.Query("format"); f != "" && f != "json" {
		fail(c, r.log, &apiError{http.StatusNotImplemented, "unsupported_format", "format: only json is offered"})
		return
	}
	maxW, err1 := dimension(c.Query("maxwidth"))
	maxH, err2 := dimension(c.Query("maxheight"))
	if err1 != nil || err2 != nil {
		fail(c, r.log, badRequest("maxwidth and maxheight must be positive whole numbers of pixels"))
		return
	}
	raw := c.Query("url")
	if raw == "" {
		fail(c, r.log, badRequest("url: missing"))
		return
	}
	snap, kind, id, title, ok := r.resolve(raw)
	if !ok {
		fail(c, r.log, notFound("url: not a session, speaker or agenda page of this service"))
		return
	}
	size := embedSizes[kind]
	w, hgt := size[0], size[1]
	if maxW > 0 && maxW < w {
		w = maxW
	}
	if maxH > 0 && maxH < hgt {
		hgt = maxH
	}
	// One answer per embed and size, kept with the snapshot (sizes only shrink the
	// defaults, so they are bounded; the snapshot's budget bounds the rest).
	key := "oembed\x00" + kind + "\x00" + id + "\x00" + strconv.Itoa(w) + "x" + strconv.Itoa(hgt)
	b, _ := snap.Keep(key, func() (*catalog.Body, error) { return r.answer(snap, kind, id, title, w, hgt), nil })
	writeBody(c, b, jsonType, cachePublicJSON)
}

// answer renders an oEmbed answer.
func (r *oembedRoutes) answer(snap *catalog.Snapshot, kind, id, title string, w, hgt int) *catalog.Body {
	src := r.baseURL + "/embed/" + snap.Event.Slug + "/" + kind
	if id != "" {
		src += "/" + agenda.PathID(id)
	}
	body, _ := json.Marshal(oembedJSON{
		Type: "rich", Version: "1.0", Title: title, ProviderName: "confcal", ProviderURL: r.baseURL + "/",
		AuthorName: snap.Event.Name, AuthorURL: snap.PageURL(), CacheAge: 3600, Width: w, Height: hgt,
		HTML: `<iframe src="` + html.EscapeString(src) + `" width="` + strconv.Itoa(w) + `" height="` + strconv.Itoa(hgt) +
			`" title="` + html.EscapeString(title) + `" loading="lazy" style="border:0;max-width:100%"></iframe>`,
	})
	return catalog.NewBody(body, snap.CreatedAt)
}

// resolve maps a page URL of this service to the embed it stands for. The old in-page
// anchors of the agenda (#session-…, #speaker-…) resolve too.
func (r *oembedRoutes) resolve(raw string) (snap *catalog.Snapshot, kind, id, title string, ok bool) {
	u, err := url.Parse(raw)
	base, _ := url.Parse(r.baseURL)
	if err != nil || base == nil || u.Host != base.Host || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, "", "", "", false
	}
	// Split the escaped path, so that an id holding "/" (%2F) stays one segment.
	parts := strings.Split(strings.Trim(strings.TrimPrefix(u.EscapedPath(), base.EscapedPath()), "/"), "/")
	for i, p := range parts {
		if parts[i], err = url.PathUnescape(p); err != nil {
			return nil, "", "", "", false
		}
	}
	if len(parts) < 2 || parts[0] != "events" {
		return nil, "", "", "", false
	}
	if snap, ok = r.agenda.Get(parts[1]); !ok {
		return nil, "", "", "", false
	}
	if len(parts) == 2 {
		if s, found := strings.CutPrefix(u.Fragment, "session-"); found {
			parts = append(parts, "sessions", s)
		} else if s, found := strings.CutPrefix(u.Fragment, "speaker-"); found {
			parts = append(parts, "speakers", s)
		}
	}
	switch {
	case len(parts) == 2:
		return snap, "agenda", "", snap.Event.Name + " · agenda", true
	case len(parts) == 4 && parts[2] == "sessions":
		se, found := snap.Event.Session(parts[3])
		return snap, "sessions", se.ID, se.Title, found
	case len(parts) == 4 && parts[2] == "speakers":
		sp, found := snap.Event.Speaker(parts[3])
		return snap, "speakers", sp.ID, sp.Name + " at " + snap.Event.Name, found
	}
	return nil, "", "", "", false
}

func dimension(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, strconv.ErrSyntax
	}
	return n, nil
}
