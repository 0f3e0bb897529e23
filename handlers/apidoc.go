package handlers

import (
	"log/slog"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/apidoc"
	"github.com/confcal/confcal/internal/catalog"
)

var yamlType = []string{"application/yaml; charset=utf-8"}

// docRoutes serve the OpenAPI document and its page, each built on first request (the
// document takes tens of milliseconds to build, which no start-up should wait for) and
// kept for the process.
type docRoutes struct {
	json, yaml, page func() (*catalog.Body, error)
	log              *slog.Logger
}

func newDocRoutes(start time.Time, log *slog.Logger) *docRoutes {
	body := func(make func(*apidoc.Doc) ([]byte, error)) func() (*catalog.Body, error) {
		return sync.OnceValues(func() (*catalog.Body, error) {
			d, err := apidoc.Shared()
			if err != nil {
				return nil, err
			}
			data, err := make(d)
			if err != nil {
				return nil, err
			}
			return catalog.NewBody(data, start), nil
		})
	}
	return &docRoutes{
		json: body(func(d *apidoc.Doc) ([]byte, error) { return d.JSON, nil }),
		yaml: body((*apidoc.Doc).YAML),
		page: body(func(d *apidoc.Doc) ([]byte, error) { return d.Page("/assets/agenda.css") }),
		log:  log,
	}
}

func (r *docRoutes) serve(c *gin.Context, get func() (*catalog.Body, error), contentType []string) {
	b, err := get()
	if err != nil {
		fail(c, r.log, err)
		return
	}
	writeBody(c, b, contentType, cacheAsset)
}

func (r *docRoutes) openapiJSON(c *gin.Context) { r.serve(c, r.json, jsonType) }

func (r *docRoutes) openapiYAML(c *gin.Context) { r.serve(c, r.yaml, yamlType) }

func (r *docRoutes) docs(c *gin.Context) {
	h := c.Writer.Header()
	h["Content-Security-Policy"] = pageCSPHeader
	h["Referrer-Policy"] = referrerPolicy
	r.serve(c, r.page, htmlType)
}
