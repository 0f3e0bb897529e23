package handlers

import (
	"bytes"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/pages"
)

// pageCSP keeps our own pages to our own resources: no inline script or style.
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

type pageRoutes struct {
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
	r.html(c, buf.Bytes(), lastChange(snaps))
}

func (r *pageRoutes) event(c *gin.Context) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		r.notFound(c)
		return
	}
	var buf bytes.Buffer
	if err := r.pages.Agenda(&buf, snap); err != nil {
		fail(c, r.log, err)
		return
	}
	r.html(c, buf.Bytes(), snap.CreatedAt)
}

func (r *pageRoutes) stylesheet(c *gin.Context) {
	writeBody(c, r.css, cssType, cacheAsset)
}

func (r *pageRoutes) html(c *gin.Context, page []byte, modified time.Time) {
	c.Header("Content-Security-Policy", pageCSP)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "strict-origin-when-cross-origin")
	writeBody(c, catalog.NewBody(page, modified), htmlType, cachePublicJSON)
}

// notFound answers an unknown event on a page route with a small page, not JSON.
func (r *pageRoutes) notFound(c *gin.Context) {
	c.Header("Content-Security-Policy", pageCSP)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusNotFound, "text/html; charset=utf-8",
		[]byte("<!doctype html><title>Not found</title><h1>Not found</h1><p><a href=\"/\">All events</a></p>\n"))
}
