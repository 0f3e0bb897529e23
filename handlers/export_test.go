package handlers

import "net/http"

// GinOf is the Gin engine inside a handler made by New: every route, none served past it.
func GinOf(h http.Handler) http.Handler { return h.(*front).engine }

// ServedPastGin tells whether the handler made by New serves r itself, and under which route.
func ServedPastGin(h http.Handler, r *http.Request) (string, bool) {
	hit, ok := h.(*front).hot(r)
	return hit.route, ok
}
