package handlers

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/limit"
	"github.com/confcal/confcal/internal/pages"
)

// pageCSP keeps our own pages to our own resources: no inline script or style; the widget
// that enhances them is our script and talks only to our API.
const pageCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; " +
	"img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// embedCSP is the same for iframe pages, which any site may frame, and which open links
// in a new tab instead of navigating the frame.
const embedCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors *"

// svgCSP forbids everything to an SVG opened on its own: it has no script and loads nothing.
const svgCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

var svgType = []string{"image/svg+xml; charset=utf-8"}

type pageRoutes struct {
	gate   *limit.Gate // renders at once; nil for no bound
	agenda Agenda
	pages  *pages.Renderer
	css    *catalog.Body
	log    *slog.Logger
}

func (r *pageRoutes) index(c *gin.Context) {
	var buf bytes.Buffer
	snaps := r.agenda.All()
	if err := r.pages.Index(&buf, snaps); err != nil {
		fail(c, r.log, err)
		return
	}
	r.html(c, buf.Bytes(), lastChange(snaps), pageCSP)
}

func (r *pageRoutes) event(c *gin.Context) {
	r.render(c, pageCSP, func(buf *bytes.Buffer, snap *catalog.Snapshot) error { return r.pages.Agenda(buf, snap) })
}

func (r *pageRoutes) session(c *gin.Context) {
	id := c.Param("file")
	r.render(c, pageCSP, func(buf *bytes.Buffer, snap *catalog.Snapshot) error { return r.pages.Session(buf, snap, id) })
}

func (r *pageRoutes) speaker(c *gin.Context) {
	id := c.Param("id")
	r.render(c, pageCSP, func(buf *bytes.Buffer, snap *catalog.Snapshot) error { return r.pages.Speaker(buf, snap, id) })
}

// embed serves /embed/{event}/agenda, /embed/{event}/sessions/{id} and …/speakers/{id}.
func (r *pageRoutes) embed(c *gin.Context) {
	kind, id := c.Param("kind"), c.Param("id")
	if (kind == pages.EmbedAgenda) != (id == "") {
		r.notFound(c)
		return
	}
	r.render(c, embedCSP, func(buf *bytes.Buffer, snap *catalog.Snapshot) error { return r.pages.Embed(buf, snap, kind, id) })
}

// card serves a speaker card as an SVG image.
func (r *pageRoutes) card(c *gin.Context) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	release, ok := r.gate.Enter(c.Request.Context())
	if !ok {
		shed(c)
		return
	}
	defer release()
	var buf bytes.Buffer
	if err := pages.Card(&buf, snap, c.Param("id")); err != nil {
		if errors.Is(err, agenda.ErrNotFound) {
			err = notFound("unknown speaker " + quote(c.Param("id")))
		}
		fail(c, r.log, err)
		return
	}
	h := c.Writer.Header()
	h["Content-Security-Policy"] = []string{svgCSP}
	h["Access-Control-Allow-Origin"] = anyOrigin
	writeBody(c, catalog.NewBody(buf.Bytes(), snap.CreatedAt), svgType, cachePublicFeed)
}

func (r *pageRoutes) stylesheet(c *gin.Context) {
	writeBody(c, r.css, cssType, cacheAsset)
}

// render writes the page that fill renders for the event, or a 404 page.
func (r *pageRoutes) render(c *gin.Context, csp string, fill func(*bytes.Buffer, *catalog.Snapshot) error) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		r.notFound(c)
		return
	}
	release, ok := r.gate.Enter(c.Request.Context())
	if !ok {
		shed(c)
		return
	}
	defer release()
	var buf bytes.Buffer
	if err := fill(&buf, snap); err != nil {
		if errors.Is(err, agenda.ErrNotFound) {
			r.notFound(c)
			return
		}
		fail(c, r.log, err)
		return
	}
	r.html(c, buf.Bytes(), snap.CreatedAt, csp)
}

func (r *pageRoutes) html(c *gin.Context, page []byte, modified time.Time, csp string) {
	c.Header("Content-Security-Policy", csp)
	c.Header("Referrer-Policy", "strict-origin-when-cross-origin")
	writeBody(c, catalog.NewBody(page, modified), htmlType, cachePublicJSON)
}

// notFound answers an unknown event, session or speaker on a page route with a small
// page, not JSON.
func (r *pageRoutes) notFound(c *gin.Context) {
	c.Header("Content-Security-Policy", pageCSP)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusNotFound, "text/html; charset=utf-8",
		[]byte("<!doctype html><title>Not found</title><h1>Not found</h1><p><a href=\"/\">All events</a></p>\n"))
}
