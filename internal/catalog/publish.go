package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/formats"
	"github.com/confcal/confcal/internal/store"
)

// Writer is the part of the store that publishing needs.
type Writer interface {
	LatestRevision(ctx context.Context, event string) (store.Revision, error)
	AddRevision(ctx context.Context, r store.Revision) error
}

// Result says what a Publish did.
type Result struct {
	Revision int         // the event's revision after the call
	Created  bool        // the event is new
	Changed  bool        // a revision was written
	Diff     agenda.Diff // what it changed
	Summary  string      // the revision's one-line summary, as stored
}

// Plan computes what publishing ev would do, without writing: the next revision (when the
// agenda differs from the latest) and the diff. ev is normalized and tidied in place and
// refused if it is not valid, since what is stored is read back unchecked.
func Plan(ctx context.Context, st Writer, ev *agenda.Event, now time.Time) (Result, *store.Revision, error) {
	// A stored revision is read back as it was written (formats.DecodeNative checks it
	// no more), so it is checked here, whoever publishes; after a format's reader, which
	// did the same, this changes nothing.
	agenda.Normalize(ev)
	agenda.Tidy(ev)
	if err := agenda.Validate(ev); err != nil {
		return Result{}, nil, fmt.Errorf("publish %s: %w", ev.Slug, err)
	}
	doc, err := formats.EncodeNative(ev)
	if err != nil {
		return Result{}, nil, fmt.Errorf("publish %s: %w", ev.Slug, err)
	}
	sum := sha256.Sum256(doc)
	hash := hex.EncodeToString(sum[:])
	prev, ledger, number, err := latest(ctx, st, ev.Slug)
	if err != nil {
		return Result{}, nil, err
	}
	if number > 0 && prev.hash == hash {
		return Result{Revision: number}, nil, nil
	}
	diff := agenda.Compare(prev.event, ev)
	next := ledger.Advance(prev.event, ev, now)
	ledgerJSON, err := json.Marshal(next)
	if err != nil {
		return Result{}, nil, fmt.Errorf("publish %s ledger: %w", ev.Slug, err)
	}
	summary := diff.Summary()
	if number == 0 {
		summary = fmt.Sprintf("new event: %d sessions, %d speakers, %d tracks, %d rooms", len(ev.Sessions), len(ev.Speakers), len(ev.Tracks), len(ev.Rooms))
	}
	rev := &store.Revision{
		Event: ev.Slug, Number: number + 1, CreatedAt: now.UTC(), Hash: hash,
		Summary: summary, Document: doc, Ledger: ledgerJSON,
	}
	return Result{Revision: rev.Number, Created: number == 0, Changed: true, Diff: diff, Summary: summary}, rev, nil
}

// Publish stores ev as the event's next revision, unless it equals the latest one. The
// ledger carries every session's UID, SEQUENCE, last change and tombstone forward. A
// concurrent publisher makes it retry on top of the other's revision.
func Publish(ctx context.Context, st Writer, ev *agenda.Event, now time.Time) (Result, error) {
	for attempt := 0; ; attempt++ {
		res, rev, err := Plan(ctx, st, ev, now)
		if err != nil || rev == nil {
			return res, err
		}
		err = st.AddRevision(ctx, *rev)
		if errors.Is(err, store.ErrConflict) && attempt < 3 {
			continue
		}
		if err != nil {
			return Result{}, fmt.Errorf("publish %s: %w", ev.Slug, err)
		}
		return res, nil
	}
}

type published struct {
	event *agenda.Event
	hash  string
}

func latest(ctx context.Context, st Writer, slug string) (published, agenda.Ledger, int, error) {
	rev, err := st.LatestRevision(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return published{}, agenda.Ledger{}, 0, nil
	}
	if err != nil {
		return published{}, nil, 0, fmt.Errorf("publish %s: %w", slug, err)
	}
	ev, err := formats.ReadNative(bytes.NewReader(rev.Document), slug)
	if err != nil {
		return published{}, nil, 0, fmt.Errorf("publish %s: revision %d: %w", slug, rev.Number, err)
	}
	var ledger agenda.Ledger
	if err := json.Unmarshal(rev.Ledger, &ledger); err != nil {
		return published{}, nil, 0, fmt.Errorf("publish %s: revision %d ledger: %w", slug, rev.Number, err)
	}
	return published{event: ev, hash: rev.Hash}, ledger, rev.Number, nil
}

// Current returns the event as its latest revision has it, and that revision's number; nil
// and 0 for an event never published.
func Current(ctx context.Context, st Writer, slug string) (*agenda.Event, int, error) {
	p, _, n, err := latest(ctx, st, slug)
	return p.event, n, err
}
