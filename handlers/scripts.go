package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/l10n"
	"github.com/confcal/confcal/widget"
)

var (
	jsType = []string{"text/javascript; charset=utf-8"}
	// widget.js is the URL sponsors paste: short enough that a fix reaches them soon.
	cacheScript = []string{"public, max-age=300, stale-while-revalidate=3600"}
	// /widget/{hash}.js never changes: pinned versions are cached for good.
	cacheImmutable = []string{"public, max-age=31536000, immutable"}
	anyOrigin      = []string{"*"}
)

// scriptRoutes serve the widget and the embeds' resize script, built at start.
type scriptRoutes struct {
	widget, embed *catalog.Body
	hash          string
	langs         map[string]*catalog.Body // by file name
}

func newScriptRoutes(now time.Time) (*scriptRoutes, error) {
	w, e, err := widget.Build()
	if err != nil {
		return nil, err
	}
	r := &scriptRoutes{widget: catalog.NewBody(w.JS, now), embed: catalog.NewBody(e.JS, now), hash: w.Hash, langs: map[string]*catalog.Body{}}
	for _, name := range l10n.Files() {
		b, _ := l10n.File(name)
		r.langs[name] = catalog.NewBody(b, now)
	}
	return r, nil
}

// WidgetPath is the content-hashed, immutable URL path of the current widget.
func (r *scriptRoutes) WidgetPath() string { return "/widget/" + r.hash + ".js" }

func (r *scriptRoutes) latest(c *gin.Context) { r.write(c, r.widget, cacheScript) }

func (r *scriptRoutes) embedJS(c *gin.Context) { r.write(c, r.embed, cacheScript) }

// pinned serves /widget/{hash}.js; only the current hash exists.
func (r *scriptRoutes) pinned(c *gin.Context) {
	if c.Param("file") != r.hash+".js" {
		fail(c, nil, notFound("no such widget version; the current one is "+r.WidgetPath()))
		return
	}
	r.write(c, r.widget, cacheImmutable)
}

// l10n serves /l10n/{lang}.{hash}.json, a language's catalogue for the widget: named by its
// content, so cached for good; public, for any page's widget (CORS, and CORP cross-origin
// like every public response).
func (r *scriptRoutes) l10n(c *gin.Context) {
	b, ok := r.langs[c.Param("file")]
	if !ok {
		fail(c, nil, notFound("no such language file"))
		return
	}
	c.Writer.Header()["Access-Control-Allow-Origin"] = anyOrigin
	writeBody(c, b, jsonType, cacheImmutable)
}

// write sends a script. CORS lets pages load it with crossorigin and Subresource Integrity.
func (r *scriptRoutes) write(c *gin.Context, b *catalog.Body, cache []string) {
	serveScript(c.Writer, c.Request, b, cache)
}

func serveScript(w http.ResponseWriter, r *http.Request, b *catalog.Body, cache []string) (status, size int) {
	w.Header()["Access-Control-Allow-Origin"] = anyOrigin
	return serveBody(w, r, b, jsType, cache)
}
