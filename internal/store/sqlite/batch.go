package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
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
	fn   func(ctx context.Context, w *writeConn) error
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
func (s *DB) batch(ctx context.Context, fn func(ctx context.Context, w *writeConn) error) error {
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

// writeConn is the connection that groups commit on, with their statements prepared on
// it: a transaction there parses neither BEGIN nor COMMIT and takes no connection from
// the pool, which was a third of what an empty transaction cost (38 → 26 µs).
type writeConn struct {
	conn                                               *sql.Conn
	begin, commit, rollback                            *sql.Stmt
	savepoint, rollbackTo, release                     *sql.Stmt
	scheduleByID                                       *sql.Stmt
	insertSchedule, updateSchedule, updateScheduleFeed *sql.Stmt // updateScheduleFeed: a rotation
	updateKnown                                        *sql.Stmt // on condition of the version read
	deleteSchedule                                     *sql.Stmt
	all                                                []*sql.Stmt
}

func (s *DB) openWriteConn(ctx context.Context) (*writeConn, error) {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &writeConn{conn: c}
	w.all, err = prepareAll(ctx, c, []toPrepare{
		{&w.begin, "BEGIN IMMEDIATE"}, // the write lock at once, as _txlock=immediate
		{&w.commit, "COMMIT"},
		{&w.rollback, "ROLLBACK"},
		{&w.savepoint, "SAVEPOINT w"},
		{&w.rollbackTo, "ROLLBACK TO w"},
		{&w.release, "RELEASE w"},
		{&w.scheduleByID, scheduleByIDQuery},
		{&w.insertSchedule, "INSERT INTO schedules (" + scheduleColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"},
		// $2 is the feed's hash, unchanged (compared, so that every parameter is used)
		{&w.updateSchedule, `UPDATE schedules SET sessions = $3, alarm_minutes = $4,
			version = $5, updated_at = $6 WHERE id = $1 AND feed_hash = $2`},
		{&w.updateScheduleFeed, `UPDATE schedules SET feed_hash = $2, sessions = $3, alarm_minutes = $4,
			version = $5, updated_at = $6 WHERE id = $1`},
		{&w.updateKnown, `UPDATE schedules SET sessions = $3, alarm_minutes = $4,
			version = $5, updated_at = $6 WHERE id = $1 AND feed_hash = $2 AND version = $7`},
		{&w.deleteSchedule, "DELETE FROM schedules WHERE id = $1"},
	})
	if err != nil {
		c.Close()
		return nil, err
	}
	return w, nil
}

// close closes the statements and the connection. With a cause, the connection is
// discarded instead of going back to the pool: it may be broken, or still hold a
// transaction that it could not roll back.
func (w *writeConn) close(cause error) {
	for _, st := range w.all {
		st.Close()
	}
	if cause != nil {
		w.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	w.conn.Close()
}

// begin begins a transaction on the write connection, opening one if there is none. A
// connection that is gone is replaced once: nothing has run on it yet.
func (s *DB) begin(ctx context.Context) (*writeConn, error) {
	for try := 0; ; try++ {
		if s.wc == nil {
			wc, err := s.openWriteConn(ctx)
			if err != nil {
				return nil, err
			}
			s.wc = wc
		}
		_, err := s.wc.begin.ExecContext(ctx)
		if err == nil {
			return s.wc, nil
		}
		s.wc.close(err)
		s.wc = nil
		if try > 0 || !errors.Is(err, sql.ErrConnDone) && !errors.Is(err, driver.ErrBadConn) {
			return nil, err
		}
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
	w, err := s.begin(ctx)
	if err != nil {
		fail(err)
		return
	}
	committed := false
	defer func() { // also when a write's change panics
		if committed {
			return
		}
		if _, err := w.rollback.ExecContext(ctx); err != nil {
			w.close(err)
			s.wc = nil
		}
	}()
	if len(ops) == 1 {
		// A write alone needs no savepoint: if it fails, the transaction is rolled back
		// whole (two statements fewer, for every write at a quiet moment).
		if errs[0] = ops[0].ctx.Err(); errs[0] == nil {
			errs[0] = ops[0].fn(ctx, w)
		}
		if errs[0] == nil {
			_, errs[0] = w.commit.ExecContext(ctx)
			committed = errs[0] == nil
		}
		return
	}
	for i, o := range ops {
		if errs[i] = o.ctx.Err(); errs[i] != nil {
			continue
		}
		if _, err := w.savepoint.ExecContext(ctx); err != nil {
			fail(err)
			return
		}
		if errs[i] = o.fn(ctx, w); errs[i] != nil {
			if _, err := w.rollbackTo.ExecContext(ctx); err != nil {
				fail(fmt.Errorf("roll back a failed write: %w", err))
				return
			}
		}
		if _, err := w.release.ExecContext(ctx); err != nil {
			fail(err)
			return
		}
	}
	if _, err := w.commit.ExecContext(ctx); err != nil {
		fail(err)
		return
	}
	committed = true
}
