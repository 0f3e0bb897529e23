package handlers

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/apidoc"
	"github.com/confcal/confcal/internal/catalog"
)

var yamlType = []string{"application/yaml; charset=utf-8"}

// docRoutes serve the OpenAPI document and its page, each rendered once at start.
type docRoutes struct {
	json, yaml, page *catalog.Body
}

func newDocRoutes(start time.Time) (*docRoutes, error) {
	doc, err := apidoc.Load()
	if err != nil {
		return nil, err
	}
	page, err := doc.Page("/assets/agenda.css")
	if err != nil {
		return nil, err
	}
	return &docRoutes{json: catalog.NewBody(doc.JSON, start), yaml: catalog.NewBody(doc.YAML, start),
		page: catalog.NewBody(page, start)}, nil
}

func (r *docRoutes) openapiJSON(c *gin.Context) { writeBody(c, r.json, jsonType, cacheAsset) }

func (r *docRoutes) openapiYAML(c *gin.Context) { writeBody(c, r.yaml, yamlType, cacheAsset) }

func (r *docRoutes) docs(c *gin.Context) {
	h := c.Writer.Header()
	h["Content-Security-Policy"] = pageCSPHeader
	h["Referrer-Policy"] = referrerPolicy
	writeBody(c, r.page, htmlType, cacheAsset)
}
