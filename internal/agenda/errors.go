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
	shown, more := Problems(e.Problems).Head()
	lines := make([]string, len(shown))
	for i, p := range shown {
		lines[i] = p.String()
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("and %d more", more))
	}
	return "invalid agenda: " + strings.Join(lines, "; ")
}

// MaxShown is how many problems or warnings a report lists: a document with thousands
// lists the first ones and says how many more there are.
const MaxShown = 50

// Head returns the first MaxShown problems and how many more there are.
func (ps Problems) Head() (Problems, int) {
	if len(ps) <= MaxShown {
		return ps, 0
	}
	return ps[:MaxShown], len(ps) - MaxShown
}

// Lines returns the first MaxShown problems as text, and a last line counting the rest.
func (ps Problems) Lines(noun string) []string {
	shown, more := ps.Head()
	out := make([]string, 0, len(shown)+1)
	for _, p := range shown {
		out = append(out, p.String())
	}
	if more > 0 {
		out = append(out, fmt.Sprintf("… and %d more %ss", more, noun))
	}
	return out
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
