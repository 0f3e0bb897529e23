package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/health"
)

// apiError is an error with its HTTP status and machine-readable code.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.message }

// errInternal answers a request whose handler panicked.
var errInternal = &apiError{http.StatusInternalServerError, "internal", "internal error"}

func badRequest(msg string) error { return &apiError{http.StatusBadRequest, "bad_request", msg} }
func notFound(msg string) error   { return &apiError{http.StatusNotFound, "not_found", msg} }

type fieldJSON struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

type errorJSON struct {
	Code    string      `json:"code"`
	Message string      `json:"message"`
	Fields  []fieldJSON `json:"fields,omitempty"`
}

// fieldsJSON lists problems or warnings by field; never null.
func fieldsJSON(ps agenda.Problems) []fieldJSON {
	out := make([]fieldJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, fieldJSON{Field: p.Field, Message: p.Message})
	}
	return out
}

// fail writes err as a JSON error with the status it maps to and stops the chain.
func fail(c *gin.Context, log *slog.Logger, err error) {
	writeError(c.Writer, c.Request, c.FullPath(), log, err)
	c.Abort()
}

var (
	noStore     = []string{"no-store"}
	retryOutage = []string{"5"}
)

// writeError writes err as a JSON error with the status it maps to, and returns that status
// and the body's size. Only 5xx are logged, once, with the detail that the client does not
// see.
func writeError(w http.ResponseWriter, r *http.Request, route string, log *slog.Logger, err error) (status, size int) {
	body := errorJSON{Code: "internal", Message: "internal error"}
	status = http.StatusInternalServerError
	var ae *apiError
	var ve *agenda.ValidationError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		status, body.Code, body.Message = ae.status, ae.code, ae.message
	case errors.As(err, &ve):
		status, body.Code, body.Message = http.StatusUnprocessableEntity, "invalid", "the request has invalid fields"
		shown, more := agenda.Problems(ve.Problems).Head()
		body.Fields = fieldsJSON(shown)
		if more > 0 {
			body.Message = fmt.Sprintf("the request has %d problems; the first %d are listed", len(ve.Problems), len(shown))
		}
	case errors.As(err, &tooBig):
		status, body.Code, body.Message = http.StatusRequestEntityTooLarge, "too_large", "the request body is too large"
	case errors.Is(err, agenda.ErrNotFound):
		status, body.Code, body.Message = http.StatusNotFound, "not_found", "not found"
	case errors.Is(err, agenda.ErrConflict):
		status, body.Code, body.Message = http.StatusConflict, "conflict", "conflicting change, try again"
	case errors.Is(err, health.ErrUnavailable):
		// An outage, logged once by the health monitor, not once per request.
		status, body.Code, body.Message = http.StatusServiceUnavailable, "unavailable", "the database is unreachable; agenda and feeds are served, changes are not; retry in a few seconds"
		w.Header()["Retry-After"] = retryOutage
	default:
		log.Error("request failed", "method", r.Method, "route", route,
			"request_id", first(w.Header()["X-Request-Id"]), "err", err)
	}
	data, _ := json.Marshal(errorBody{body})
	h := w.Header()
	h["Cache-Control"] = noStore
	h["Content-Type"] = jsonType
	w.WriteHeader(status)
	size, _ = w.Write(data)
	return status, size
}

type errorBody struct {
	Error errorJSON `json:"error"`
}
