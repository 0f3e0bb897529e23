package handlers

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/l10n"
	"github.com/confcal/confcal/internal/limit"
	"github.com/confcal/confcal/internal/pages"
)

// pageCSP keeps our own pages to our own resources: no inline script or style; the widget
// that enhances them is our script and talks only to our API.
const pageCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; " +
	"img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// embedCSP is the same for iframe pages, which any site may frame, and which open links
// in a new tab instead of navigating the frame. The widget runs there too (stars and the
// subscribe panel in the frame), talking only to our API.
const embedCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors *"

// svgCSP forbids everything to an SVG opened on its own: it has no script and loads nothing.
const svgCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

var svgType = []string{"image/svg+xml; charset=utf-8"}

// Header values of pages, made once.
var (
	pageCSPHeader  = []string{pageCSP}
	embedCSPHeader = []string{embedCSP}
	svgCSPHeader   = []string{svgCSP}
	referrerPolicy = []string{"strict-origin-when-cross-origin"}
)

type pageRoutes struct {
	gate   *limit.Gate // renders at once; nil for no bound
	list   sync.Map    // *l10n.Lang → *atomic.Pointer[indexPage]: one kept list per language
	agenda Agenda
	pages  *pages.Renderer
	css    *catalog.Body
	log    *slog.Logger
}

// indexPage is the event list as rendered for one set of snapshots.
type indexPage struct {
	gens string // the snapshots' generations, in order
	body *catalog.Body
}

// index serves the list of events, rendered once for each set of snapshots and language.
func (r *pageRoutes) index(c *gin.Context) {
	l, err := pageLang(c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	snaps := r.agenda.All()
	gens := make([]byte, 0, 8*len(snaps))
	for _, s := range snaps {
		gens = strconv.AppendUint(append(gens, ','), s.Gen, 36)
	}
	kept, _ := r.list.LoadOrStore(l, new(atomic.Pointer[indexPage])) // bounded: one per language
	list := kept.(*atomic.Pointer[indexPage])
	if p := list.Load(); p != nil && p.gens == string(gens) {
		r.html(c, p.body, pageCSPHeader)
		return
	}
	var buf bytes.Buffer
	if err := r.pages.Index(&buf, snaps, l); err != nil {
		fail(c, r.log, err)
		return
	}
	p := &indexPage{gens: string(gens), body: catalog.NewBody(buf.Bytes(), lastChange(snaps))}
	list.Store(p)
	r.html(c, p.body, pageCSPHeader)
}

// pageLang is the language a page is written in: ?lang= when given, else the closest to
// Accept-Language, else English. A ?lang= that is not a language tag is refused.
func pageLang(c *gin.Context) (*l10n.Lang, error) {
	var q string
	if c.Request.URL.RawQuery != "" { // parsing an empty query would still allocate
		q = c.Query("lang")
	}
	if q != "" {
		if !localeForm.MatchString(q) {
			return nil, badRequest("lang: " + quote(q) + " is not a language tag such as de, pt-BR or ja")
		}
		return l10n.Match(q), nil
	}
	c.Writer.Header()["Vary"] = varyLanguage
	return acceptLanguage(c), nil
}

// acceptLanguage is the language closest to the request's Accept-Language.
func acceptLanguage(c *gin.Context) *l10n.Lang { return requestLanguage(c.Request) }

func requestLanguage(r *http.Request) *l10n.Lang {
	if v := r.Header["Accept-Language"]; len(v) > 0 {
		return l10n.MatchHeader(v[0])
	}
	return l10n.English
}

// langKey is a kept page's key in a language: English pages keep the bare key.
func langKey(key string, l *l10n.Lang) string {
	if l == l10n.English {
		return key
	}
	return key + "\x00" + l.Tag
}

func (r *pageRoutes) event(c *gin.Context) {
	r.render(c, pageCSPHeader, "page", func(buf io.Writer, snap *catalog.Snapshot, l *l10n.Lang) error {
		return r.pages.Agenda(buf, snap, "", l)
	})
}

// day serves /events/{event}/days/{YYYY-MM-DD}: one day of the agenda, the way a large
// agenda is paged. Only the event's days exist, so at most one kept page per day.
func (r *pageRoutes) day(c *gin.Context) {
	d := c.Param("date")
	if _, err := time.Parse(time.DateOnly, d); err != nil {
		r.notFound(c)
		return
	}
	r.render(c, pageCSPHeader, "day\x00"+d, func(buf io.Writer, snap *catalog.Snapshot, l *l10n.Lang) error {
		return r.pages.Agenda(buf, snap, d, l)
	})
}

func (r *pageRoutes) speakers(c *gin.Context) {
	r.render(c, pageCSPHeader, "speakers", func(buf io.Writer, snap *catalog.Snapshot, l *l10n.Lang) error { return r.pages.Speakers(buf, snap, l) })
}

func (r *pageRoutes) session(c *gin.Context) {
	id := c.Param("file")
	r.render(c, pageCSPHeader, "session\x00"+id, func(buf io.Writer, snap *catalog.Snapshot, l *l10n.Lang) error {
		return r.pages.Session(buf, snap, id, l)
	})
}

func (r *pageRoutes) speaker(c *gin.Context) {
	id := c.Param("id")
	r.render(c, pageCSPHeader, "speaker\x00"+id, func(buf io.Writer, snap *catalog.Snapshot, l *l10n.Lang) error {
		return r.pages.Speaker(buf, snap, id, l)
	})
}

// embed serves /embed/{event}/agenda, /embed/{event}/sessions/{id} and …/speakers/{id}.
func (r *pageRoutes) embed(c *gin.Context) {
	kind, id := c.Param("kind"), c.Param("id")
	if (kind == pages.EmbedAgenda) != (id == "") {
		r.notFound(c)
		return
	}
	v, err := viewQuery(c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	// The frame's language is its ?locale=, else the visitor's (Accept-Language).
	l := l10n.Match(v.Locale)
	if v.Locale == "" {
		c.Writer.Header()["Vary"] = varyLanguage
		l = acceptLanguage(c)
	}
	r.renderIn(c, embedCSPHeader, "embed\x00"+kind+"\x00"+id+"\x00"+v.key(), l, func(buf io.Writer, snap *catalog.Snapshot, l *l10n.Lang) error {
		return r.pages.Embed(buf, snap, kind, id, v.EmbedOptions, l)
	})
}

// view is what a card or an embed was asked to look like: ?theme=light|dark,
// ?time-zone= (IANA) and, for embeds, ?locale= (a BCP 47 language, optionally with script
// and region) and ?day= (the day of a paged agenda). Each is checked, so a kept rendering exists per valid combination only:
// a few hundred zones and languages at most, within the snapshot's byte budget.
type view struct {
	pages.EmbedOptions
	loc *time.Location
}

var localeForm = regexp.MustCompile(`^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`)

func viewQuery(c *gin.Context) (view, error) {
	v := view{EmbedOptions: pages.EmbedOptions{Theme: c.Query("theme"), Zone: c.Query("time-zone"), Locale: c.Query("locale"), Day: c.Query("day")}}
	if d := v.Day; d != "" {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return v, badRequest("day: " + quote(d) + " is not a date such as 2024-10-23")
		}
	}
	switch v.Theme {
	case "", "light", "dark":
	default:
		return v, badRequest("theme: " + quote(v.Theme) + " is not light or dark")
	}
	if z := v.Zone; z != "" {
		loc, err := time.LoadLocation(z)
		if err != nil || z == "Local" || !strings.Contains(z, "/") && z != "UTC" {
			return v, badRequest("time-zone: " + quote(z) + " is not an IANA time zone (for example Europe/Berlin)")
		}
		v.loc = loc
	}
	if l := v.Locale; l != "" && !localeForm.MatchString(l) {
		return v, badRequest("locale: " + quote(l) + " is not a language tag such as de, pt-BR or zh-Hant-TW")
	}
	return v, nil
}

func (v view) key() string { return v.Theme + "\x00" + v.Zone + "\x00" + v.Locale + "\x00" + v.Day }

// card serves a speaker card as an SVG image.
func (r *pageRoutes) card(c *gin.Context) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	id := c.Param("id")
	v, err := viewQuery(c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	// An image is the same for every viewer: its language is ?locale= only, never
	// Accept-Language. "light" is its default: one kept copy per palette, zone and language.
	o := pages.CardOptions{Dark: v.Theme == "dark", Zone: v.loc, Lang: l10n.Match(v.Locale)}
	b, err := r.keep(c, snap, "card\x00"+id+"\x00"+strconv.FormatBool(o.Dark)+"\x00"+v.Zone+"\x00"+o.Lang.Tag, func(buf io.Writer) error { return pages.Card(buf, snap, id, o) })
	if b == nil && err == nil {
		return // shed
	}
	if err != nil {
		if errors.Is(err, agenda.ErrNotFound) {
			err = notFound("unknown speaker " + quote(id))
		}
		fail(c, r.log, err)
		return
	}
	h := c.Writer.Header()
	h["Content-Security-Policy"] = svgCSPHeader
	h["Access-Control-Allow-Origin"] = anyOrigin
	writeBody(c, b, svgType, cachePublicFeed)
}

// keep returns the response kept under key in the snapshot, rendering it with fill inside
// the render gate if it is not kept yet. A conditional request for a kept response is
// answered from its validators: nothing is rendered. nil and no error: the request was
// shed (answered 503).
func (r *pageRoutes) keep(c *gin.Context, snap *catalog.Snapshot, key string, fill func(io.Writer) error) (*catalog.Body, error) {
	return keptOr(c, r.gate, func() (*catalog.Body, bool) { return snap.Kept(key) }, func() (*catalog.Body, error) {
		return snap.Keep(key, func() (*catalog.Body, error) { return catalog.Write(snap.CreatedAt, fill) })
	})
}

func (r *pageRoutes) stylesheet(c *gin.Context) {
	writeBody(c, r.css, cssType, cacheAsset)
}

// render writes the page kept under key for the event, rendered by fill once per
// snapshot and language (see pageLang), or a 404 page.
func (r *pageRoutes) render(c *gin.Context, csp []string, key string, fill func(io.Writer, *catalog.Snapshot, *l10n.Lang) error) {
	l, err := pageLang(c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	r.renderIn(c, csp, key, l, fill)
}

// renderIn is render in the language l.
func (r *pageRoutes) renderIn(c *gin.Context, csp []string, key string, l *l10n.Lang, fill func(io.Writer, *catalog.Snapshot, *l10n.Lang) error) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		r.notFound(c)
		return
	}
	b, err := r.keep(c, snap, langKey(key, l), func(buf io.Writer) error { return fill(buf, snap, l) })
	switch {
	case b == nil && err == nil:
		return // shed
	case errors.Is(err, agenda.ErrNotFound):
		r.notFound(c)
	case err != nil:
		fail(c, r.log, err)
	default:
		r.html(c, b, csp)
	}
}

func (r *pageRoutes) html(c *gin.Context, b *catalog.Body, csp []string) {
	servePage(c.Writer, c.Request, b, csp)
}

// servePage sends a kept page with the headers every page carries.
func servePage(w http.ResponseWriter, r *http.Request, b *catalog.Body, csp []string) (status, size int) {
	h := w.Header()
	h["Content-Security-Policy"] = csp
	h["Referrer-Policy"] = referrerPolicy
	return serveBody(w, r, b, htmlType, cachePublicJSON)
}

// notFound answers an unknown event, session or speaker on a page route with a small
// page, not JSON.
func (r *pageRoutes) notFound(c *gin.Context) {
	c.Header("Content-Security-Policy", pageCSP)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusNotFound, "text/html; charset=utf-8",
		[]byte("<!doctype html><title>Not found</title><h1>Not found</h1><p><a href=\"/\">All events</a></p>\n"))
}
