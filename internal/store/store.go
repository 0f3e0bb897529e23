// Package store states the storage contract that every engine (sqlite, postgres) meets and
// that the conformance suite in storetest checks.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

// Errors every engine returns, so callers can tell them apart with errors.Is.
var (
	// ErrNotFound means no such event revision or schedule.
	ErrNotFound = agenda.ErrNotFound
	// ErrConflict means the write lost a race: a revision with that number exists already, or
	// a feed token hash is taken.
	ErrConflict = agenda.ErrConflict
)

// Revision is one version of an event's agenda.
type Revision struct {
	Event     string
	Number    int // 1 for the first revision of an event, then consecutive
	CreatedAt time.Time
	Hash      string // fingerprint of the agenda, to recognise an identical load
	Summary   string // one line saying what changed
	Document  []byte // the agenda as a native JSON document
	Ledger    []byte // the feed ledger (agenda.Ledger) as JSON
}

// Schedule is an attendee's personal selection of sessions.
type Schedule struct {
	ID           string
	Event        string
	FeedHash     string // SHA-256 of the feed token, hex; the token itself is never stored
	EditHash     string // SHA-256 of the edit token, hex
	Sessions     []string
	AlarmMinutes int // minutes before each session for a reminder; -1 for none
	Version      int // raised by every change, so cached feeds never need a purge
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ErrUnavailable marks an error met while the database was unreachable (an outage, not
// a failure of the request): see internal/health.
var ErrUnavailable = errors.New("database unreachable")

// Store is what confcal keeps. Every method honours ctx.
type Store interface {
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error

	// AddRevision stores r, whose Number must be one more than the event's latest (1 for a new
	// event); otherwise it returns ErrConflict and stores nothing.
	AddRevision(ctx context.Context, r Revision) error
	// LatestRevision returns the event's newest revision, or ErrNotFound.
	LatestRevision(ctx context.Context, event string) (Revision, error)
	// Revision returns one revision, or ErrNotFound.
	Revision(ctx context.Context, event string, number int) (Revision, error)
	// Revisions lists an event's revisions, newest first, without Document and Ledger.
	Revisions(ctx context.Context, event string) ([]Revision, error)
	// Heads returns the latest revision number of every event.
	Heads(ctx context.Context) (map[string]int, error)
	// DeleteEvent removes an event's revisions and its personal schedules at once, and
	// remembers that it was deleted; ErrNotFound if it has no revision. A later revision 1
	// creates the event anew and forgets the deletion.
	DeleteEvent(ctx context.Context, event string, now time.Time) error
	// EventDeleted reports whether the event was deleted and not created again since.
	EventDeleted(ctx context.Context, event string) (bool, error)

	// CreateSchedule stores a new schedule with Version 1; ErrConflict if the id or a token
	// hash is taken.
	CreateSchedule(ctx context.Context, s Schedule) (Schedule, error)
	// Schedule returns a schedule by id, or ErrNotFound.
	Schedule(ctx context.Context, id string) (Schedule, error)
	// ScheduleByFeed returns the schedule whose feed token hashes to feedHash, or ErrNotFound.
	ScheduleByFeed(ctx context.Context, feedHash string) (Schedule, error)
	// UpdateSchedule applies change to the current schedule atomically, raises Version, sets
	// UpdatedAt to now and returns the stored result. If change returns an error, nothing is
	// written and that error is returned. Only Sessions, AlarmMinutes and FeedHash may change.
	UpdateSchedule(ctx context.Context, id string, now time.Time, change func(*Schedule) error) (Schedule, error)
	// DeleteSchedule removes a schedule, or returns ErrNotFound.
	DeleteSchedule(ctx context.Context, id string) error
	// Totals counts the personal schedules and the stars in them, over all events.
	Totals(ctx context.Context) (schedules, stars int, err error)
}

// Versioned is a store that can tell cheaply that something was committed: the value
// DataVersion returns changes after any commit (it may change for other reasons too).
type Versioned interface {
	DataVersion(ctx context.Context) (int64, error)
}

// Watched is a Versioned store that can also say when a commit may have happened, so that
// a watch asks DataVersion then instead of every few milliseconds: the channel receives a
// value (one pending at most) after any process wrote, until ctx ends. An error means it
// cannot here, and the watch polls.
type Watched interface {
	Versioned
	Changed(ctx context.Context) (<-chan struct{}, error)
}

// KnownUpdater is a store whose UpdateSchedule reads the row before writing it over the
// network: UpdateKnownSchedule takes the row as the caller last had it back (known), writes
// the change on condition that the stored version is still known's, and only when it is
// not reads the row and goes on as UpdateSchedule does. A stale known costs that read and
// nothing else. The result is UpdateSchedule's.
type KnownUpdater interface {
	UpdateKnownSchedule(ctx context.Context, known Schedule, now time.Time, change func(*Schedule) error) (Schedule, error)
}

// Lender is a store that can lend the newest revision for the length of a call instead of
// copying it out: at 20,000 sessions the document is 25 MB, and the copy was a third of
// reading it.
type Lender interface {
	// WithLatestRevision calls fn with the event's newest revision, or returns ErrNotFound.
	// Document and Ledger are valid only until fn returns: fn must copy what it keeps.
	WithLatestRevision(ctx context.Context, event string, fn func(Revision) error) error
}
