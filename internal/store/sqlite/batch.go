package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Schedule writes commit in groups: one goroutine takes every write waiting (up to
// maxBatch) and runs them in one transaction, each inside a savepoint of its own, so that
// one write's failure rolls back that write alone. A write is acknowledged only after the
// commit that holds it. With many clients, a commit's cost (the WAL append, the lock) is
// shared instead of queued for.
const maxBatch = 64

var errClosed = errors.New("sqlite: database closed")

type op struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

// batch runs fn in the next group commit and returns its error, or the commit's.
func (s *DB) batch(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	o := &op{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.ops <- o:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stop:
		return errClosed
	}
	return <-o.done // once taken, it may commit: its answer must wait for the commit
}

// writeLoop commits queued writes in groups until Close.
func (s *DB) writeLoop() {
	defer close(s.written)
	for {
		var first *op
		select {
		case first = <-s.ops:
		case <-s.stop:
			return
		}
		ops := []*op{first}
	more:
		for len(ops) < maxBatch {
			select {
			case o := <-s.ops:
				ops = append(ops, o)
			default:
				break more
			}
		}
		s.commit(ops)
	}
}

func (s *DB) commit(ops []*op) {
	errs := make([]error, len(ops))
	defer func() {
		for i, o := range ops {
			o.done <- errs[i]
		}
	}()
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
