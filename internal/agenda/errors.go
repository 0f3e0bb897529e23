package agenda

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors that storage and handlers map to responses.
var (
	// ErrNotFound means the event, session, speaker, track or schedule does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a concurrent writer got there first.
	ErrConflict = errors.New("conflict")
)

// Problem is one thing wrong with a document, located by its field path
// (for example "sessions[3].end").
type Problem struct {
	Field   string
	Message string
}

func (p Problem) String() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// ValidationError lists every problem found in a document at once.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "invalid agenda: " + strings.Join(lines, "; ")
}

// Problems collects problems while a document is checked.
type Problems []Problem

// Add records a problem at the field path.
func (ps *Problems) Add(field, format string, args ...any) {
	*ps = append(*ps, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns a *ValidationError holding the problems, or nil when there are none.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: append([]Problem(nil), ps...)}
}
