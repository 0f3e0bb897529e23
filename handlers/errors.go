package handlers

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/agenda"
)

// apiError is an error with its HTTP status and machine-readable code.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.message }

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

// fail writes err as a JSON error with the status it maps to. Only 5xx are logged, once,
// with the detail that the client does not see.
func fail(c *gin.Context, log *slog.Logger, err error) {
	body := errorJSON{Code: "internal", Message: "internal error"}
	status := http.StatusInternalServerError
	var ae *apiError
	var ve *agenda.ValidationError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		status, body.Code, body.Message = ae.status, ae.code, ae.message
	case errors.As(err, &ve):
		status, body.Code, body.Message = http.StatusUnprocessableEntity, "invalid", "the request has invalid fields"
		for _, p := range ve.Problems {
			body.Fields = append(body.Fields, fieldJSON{Field: p.Field, Message: p.Message})
		}
	case errors.As(err, &tooBig):
		status, body.Code, body.Message = http.StatusRequestEntityTooLarge, "too_large", "the request body is too large"
	case errors.Is(err, agenda.ErrNotFound):
		status, body.Code, body.Message = http.StatusNotFound, "not_found", "not found"
	case errors.Is(err, agenda.ErrConflict):
		status, body.Code, body.Message = http.StatusConflict, "conflict", "conflicting change, try again"
	default:
		log.Error("request failed", "method", c.Request.Method, "route", c.FullPath(),
			"request_id", requestIDOf(c), "err", err)
	}
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(status, gin.H{"error": body})
}
