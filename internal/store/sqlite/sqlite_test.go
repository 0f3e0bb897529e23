package sqlite

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

// Reopening a file applies no migration twice and keeps the data.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "confcal.db")
	for i := range 2 {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		if i == 0 {
			err = db.AddRevision(ctx, store.Revision{Event: "ev", Number: 1, Document: []byte("{}"), Ledger: []byte("{}")})
		} else {
			_, err = db.LatestRevision(ctx, "ev")
		}
		if err != nil {
			t.Fatal(err)
		}
		// Each migration is applied once, however often the file is opened.
		names, _ := fs.Glob(Migrations(), "migrations/*.sql")
		var applied int
		if err := db.db.QueryRowContext(ctx, "SELECT count(*) FROM migrations").Scan(&applied); err != nil || applied != len(names) {
			t.Fatalf("migrations recorded = %d, %v; want %d", applied, err, len(names))
		}
		db.Close()
	}
}

func TestWAL(t *testing.T) {
	db := open(t).(*DB)
	var mode string
	if err := db.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
}
