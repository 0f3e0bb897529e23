package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/catalog"
)

// gzipMin is the size below which compressing costs more than it saves.
const gzipMin = 1024

var (
	varyEncoding = []string{"Accept-Encoding"}
	// Pages are written in the language Accept-Language asks for, unless ?lang= chose.
	varyLanguage = []string{"Accept-Encoding, Accept-Language"}
	gzipEncoding = []string{"gzip"}
)

// writeBody sends a pre-rendered body with its validators: strong ETag, Last-Modified,
// 304 on a matching If-None-Match (or If-Modified-Since without one), gzip when the client
// takes it, and no body for HEAD. contentType and cacheControl are shared header values.
func writeBody(c *gin.Context, b *catalog.Body, contentType, cacheControl []string) {
	serveBody(c.Writer, c.Request, b, contentType, cacheControl)
}

// serveBody is writeBody on plain net/http; it returns the status and the bytes written.
func serveBody(w http.ResponseWriter, r *http.Request, b *catalog.Body, contentType, cacheControl []string) (status, size int) {
	h := w.Header()
	h["Content-Type"] = contentType
	h["Cache-Control"] = cacheControl
	if _, set := h["Vary"]; !set {
		h["Vary"] = varyEncoding
	}
	h["Last-Modified"] = b.LastModifiedHeader
	var data []byte
	etag, length := b.ETagHeader, b.LengthHeader
	gz := b.Len() >= gzipMin && acceptsGzip(r)
	if gz {
		data, etag, length = b.Gzip()
	}
	h["Etag"] = etag
	if notModified(r, b) {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified, 0
	}
	if gz {
		h["Content-Encoding"] = gzipEncoding
	}
	h["Content-Length"] = length
	w.WriteHeader(http.StatusOK)
	switch {
	case r.Method == http.MethodHead:
	case gz:
		size, _ = w.Write(data)
	default:
		n, _ := b.WriteTo(w)
		size = int(n)
	}
	return http.StatusOK, size
}

// Request header names arrive canonical (net/http's reader canonicalizes them), so the
// functions below index the map instead of calling Get, which canonicalizes the key again
// on every request.

func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header["Accept-Encoding"] {
		for part := range strings.SplitSeq(v, ",") { // no allocation per request
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(strings.TrimSpace(name), "gzip") {
				return quality(params) > 0
			}
		}
	}
	return false
}

// quality reads the q= weight of an Accept-Encoding entry; 1 when absent.
func quality(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(k, "q") {
			q, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0
			}
			return q
		}
	}
	return 1
}

func notModified(r *http.Request, b *catalog.Body) bool {
	if inm := first(r.Header["If-None-Match"]); inm != "" {
		want := strings.Trim(b.ETag, `"`)
		for tag := range strings.SplitSeq(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			tag = strings.TrimSuffix(strings.Trim(tag, `"`), "-gzip")
			if tag == want || tag == "*" {
				return true
			}
		}
		return false
	}
	if ims := first(r.Header["If-Modified-Since"]); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !b.Modified.After(t)
	}
	return false
}

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}
