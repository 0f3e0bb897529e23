package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Schedule writes commit in groups, and the writers lead them: a write that finds no group
// committing commits at once, on its own goroutine; writes that arrive meanwhile wait, and
// when that commit is done the first of them takes every write waiting (up to maxBatch)
// into one transaction, each inside a savepoint of its own, so that one write's failure
// rolls back that write alone. A write is acknowledged only after the commit that holds
// it. With many clients, a commit's cost (the WAL append, the lock) is shared instead of
// queued for; with few, a write costs no hand-over to another goroutine and back (a
// goroutine of its own that committed every group made two of them per write, and most
// groups held one write).
const maxBatch = 64

var errClosed = errors.New("sqlite: database closed")

// errLead, sent to a waiting write, hands it the next group.
var errLead = errors.New("sqlite: lead the next group")

type op struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error // the write's outcome, or errLead
	lead bool       // handed the next group (under queue.mu): it can no longer leave
}

// queue holds the writes that wait for a group to commit.
type queue struct {
	mu      sync.Mutex
	idle    sync.Cond // signalled when leading ends
	waiting []*op
	leading bool // a write is committing a group; the others wait
	closed  bool
}

// batch runs fn in a group commit and returns its error, or the commit's.
func (s *DB) batch(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o := &op{ctx: ctx, fn: fn, done: make(chan error, 1)}
	w := &s.wq
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return errClosed
	}
	w.waiting = append(w.waiting, o)
	if !w.leading {
		w.leading = true
		w.mu.Unlock()
		return s.lead(o)
	}
	w.mu.Unlock()
	var err error
	select {
	case err = <-o.done:
	case <-ctx.Done():
		if w.leave(o) {
			return ctx.Err()
		}
		err = <-o.done // taken into a group (it may commit) or handed the lead
	}
	if err == errLead {
		return s.lead(o)
	}
	return err
}

// leave takes o out of the queue if no group has taken it and it was not handed the lead.
func (w *queue) leave(o *op) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if o.lead {
		return false
	}
	i := slices.Index(w.waiting, o)
	if i < 0 {
		return false
	}
	w.waiting = slices.Delete(w.waiting, i, i+1)
	return true
}

// lead commits the writes waiting, self first, answers the others, and hands the lead to
// the first write still waiting. The hand-over is deferred so that a write's change that
// panics does not leave every later write waiting for a lead that never comes.
func (s *DB) lead(self *op) (own error) {
	w := &s.wq
	w.mu.Lock()
	n := min(len(w.waiting), maxBatch)
	group := slices.Clone(w.waiting[:n])
	w.waiting = slices.Delete(w.waiting, 0, n)
	w.mu.Unlock()
	errs := make([]error, len(group))
	answered := false
	defer func() {
		if !answered {
			for _, o := range group {
				if o != self {
					o.done <- errors.New("sqlite: a write in the same group failed")
				}
			}
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		switch {
		case w.closed:
			for _, o := range w.waiting {
				o.done <- errClosed
			}
			w.waiting = nil
		case len(w.waiting) > 0:
			next := w.waiting[0]
			next.lead = true
			next.done <- errLead
			return
		}
		w.leading = false
		w.idle.Broadcast()
	}()
	s.commit(group, errs)
	for i, o := range group {
		if o == self {
			own = errs[i]
		} else {
			o.done <- errs[i]
		}
	}
	answered = true
	return own
}

// close refuses new writes, and waits for the group being committed and fails the
// writes still waiting.
func (w *queue) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	for w.leading {
		w.idle.Wait()
	}
}

// commit runs the group's writes in one transaction and sets each one's outcome in errs.
func (s *DB) commit(ops []*op, errs []error) {
	fail := func(err error) {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
	}
	// The group's transaction runs apart from any one request: a client that leaves
	// mid-group loses its own write (checked before it runs), not the others'.
	ctx := context.Background()
	release, _ := s.write(ctx)
	defer release()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	defer tx.Rollback()
	if len(ops) == 1 {
		// A write alone needs no savepoint: if it fails, the transaction is rolled back
		// whole (two statements fewer, for every write at a quiet moment).
		if errs[0] = ops[0].ctx.Err(); errs[0] == nil {
			errs[0] = ops[0].fn(ctx, tx)
		}
		if errs[0] == nil {
			errs[0] = tx.Commit()
		}
		return
	}
	for i, o := range ops {
		if errs[i] = o.ctx.Err(); errs[i] != nil {
			continue
		}
		if _, err := tx.StmtContext(ctx, s.q.savepoint).ExecContext(ctx); err != nil {
			fail(err)
			return
		}
		if errs[i] = o.fn(ctx, tx); errs[i] != nil {
			if _, err := tx.StmtContext(ctx, s.q.rollbackTo).ExecContext(ctx); err != nil {
				fail(fmt.Errorf("roll back a failed write: %w", err))
				return
			}
		}
		if _, err := tx.StmtContext(ctx, s.q.release).ExecContext(ctx); err != nil {
			fail(err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		fail(err)
	}
}
