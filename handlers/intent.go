package handlers

import (
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// A write must say what it sends. A cross-site HTML form can POST only
// application/x-www-form-urlencoded, multipart/form-data or text/plain without a CORS
// preflight; requiring application/json on the schedule routes means that no page can
// make a visitor's browser create or change a schedule without the API's consent.

// errNotJSON answers a schedule write whose body is not declared JSON.
var errNotJSON = &apiError{http.StatusUnsupportedMediaType, "unsupported_media_type",
	"Content-Type: want application/json"}

// mediaType returns the request's media type, lower case and without parameters; "" when
// the header is absent, and "invalid" when it does not parse.
func mediaType(r *http.Request) string {
	v := first(r.Header["Content-Type"])
	if v == "" {
		return ""
	}
	t, _, err := mime.ParseMediaType(v)
	if err != nil {
		return "invalid"
	}
	return t
}

// isJSON reports whether a media type is JSON: application/json or an application/*+json
// type (application/vnd.api+json). "application+json", which is no media type at all, is not.
func isJSON(t string) bool { return t == "application/json" || structured(t, "+json") }

// isXML reports whether a media type is XML: application/xml, text/xml or application/*+xml.
func isXML(t string) bool { return t == "application/xml" || t == "text/xml" || structured(t, "+xml") }

// structured reports whether t is an application type with the structured syntax suffix.
func structured(t, suffix string) bool {
	sub, ok := strings.CutPrefix(t, "application/")
	return ok && len(sub) > len(suffix) && strings.HasSuffix(sub, suffix)
}

// requireJSON stops a request whose body is not declared JSON with a 415.
func requireJSON(c *gin.Context) error {
	if !isJSON(mediaType(c.Request)) {
		return errNotJSON
	}
	return nil
}

// uploadType accepts the media types of the agenda formats the admin API reads: JSON
// (native, Sessionize, pretalx, frab JSON), XML (frab), and a body sent without a type or as
// octet-stream (curl -T, scripts), whose format the reader detects. Form encodings are
// refused: an agenda is never a form.
func uploadType(c *gin.Context) error {
	switch t := mediaType(c.Request); {
	case t == "", t == "application/octet-stream", isJSON(t), isXML(t):
		return nil
	default:
		return &apiError{http.StatusUnsupportedMediaType, "unsupported_media_type",
			"Content-Type " + quote(t) + ": want application/json or application/xml (curl: -H 'Content-Type: application/json')"}
	}
}
