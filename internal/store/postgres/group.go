package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Schedule writes commit in groups, as on SQLite: a writer goroutine takes every write
// waiting (up to maxGroup) and sends them as one batch, which PostgreSQL runs as one implicit
// transaction (the statements share the Sync that ends the batch): one round trip, one
// commit, one WAL flush for the group. A write is answered only after that commit. With
// eight clients on two cores, eight backends committing one star each spent the cores on
// commits and context switches; the group's one backend does not. Two writers run, so
// that one group gathers while the other waits for its WAL flush (at 1,000 stars a second
// the store's p99 was 3.5–6.5 ms (median 4.5) with two, 3.8–6.3 with one, 4.7–6.7 without groups;
// docs/performance.md).
//
// A statement that fails aborts its group's transaction, so nothing of that group is
// written; then each write is run again alone, and only the one at fault fails. A broken
// connection fails the whole group (whether it committed is unknown, as for a single
// statement).
const (
	maxGroup     = 64
	groupWriters = 2
)

// groupTimeout bounds one group's round trip, pool wait included.
const groupTimeout = 10 * time.Second

var errClosed = errors.New("postgres: database closed")

type groupOp struct {
	ctx  context.Context
	sql  string
	args []any
	done chan groupResult
}

type groupResult struct {
	tag pgconn.CommandTag
	err error
}

// groupExec runs one statement in the next group commit and returns its command tag.
func (db *DB) groupExec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	o := &groupOp{ctx: ctx, sql: sql, args: args, done: make(chan groupResult, 1)}
	select {
	case db.ops <- o:
	case <-ctx.Done():
		return pgconn.CommandTag{}, ctx.Err()
	case <-db.stop:
		return pgconn.CommandTag{}, errClosed
	}
	r := <-o.done // once taken, it may commit: its answer waits for the commit
	return r.tag, r.err
}

// writer commits queued writes in groups until Close.
func (db *DB) writer() {
	ops := make([]*groupOp, 0, maxGroup)
	for {
		var first *groupOp
		select {
		case first = <-db.ops:
		case <-db.stop:
			return
		}
		ops = append(ops[:0], first)
	more:
		for len(ops) < maxGroup {
			select {
			case o := <-db.ops:
				ops = append(ops, o)
			default:
				break more
			}
		}
		db.commitGroup(ops)
		clear(ops)
	}
}

func (db *DB) commitGroup(ops []*groupOp) {
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	// A client that left before its write was sent loses its own write, not the others'.
	live := ops[:0:0]
	for _, o := range ops {
		if err := o.ctx.Err(); err != nil {
			o.done <- groupResult{err: err}
			continue
		}
		live = append(live, o)
	}
	switch len(live) {
	case 0:
		return
	case 1:
		db.groups.Add(1)
		tag, err := db.pool.Exec(ctx, live[0].sql, live[0].args...)
		live[0].done <- groupResult{tag, err}
		return
	}
	db.groups.Add(1)
	results, err := db.sendGroup(ctx, live)
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// The server refused a statement and rolled the group back: each alone, so that
		// only the one at fault fails.
		for _, o := range live {
			tag, err := db.pool.Exec(ctx, o.sql, o.args...)
			o.done <- groupResult{tag, err}
		}
		return
	}
	for i, o := range live {
		if err != nil {
			results[i].err = err
		}
		o.done <- results[i]
	}
}

// sendGroup sends ops as one batch (one implicit transaction) and returns each one's tag;
// the error is the first that any of them met, or the commit's.
func (db *DB) sendGroup(ctx context.Context, ops []*groupOp) ([]groupResult, error) {
	b := &pgx.Batch{}
	for _, o := range ops {
		b.Queue(o.sql, o.args...)
	}
	results := make([]groupResult, len(ops))
	br := db.pool.SendBatch(ctx, b)
	var first error
	for i := range ops {
		results[i].tag, results[i].err = br.Exec()
		if first == nil {
			first = results[i].err
		}
	}
	if err := br.Close(); first == nil {
		first = err
	}
	return results, first
}
