package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/postgres"
	"github.com/confcal/confcal/internal/store/postgres/pgtest"
	"github.com/confcal/confcal/internal/store/sqlite"
)

// barewrite's writes leave the rows as confcal's own would: confcal's store reads back
// the session list and version that each answer gave, on both engines.
func TestWritesAreConfcalsRows(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "confcal.db")
		migrated, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		migrated.Close()
		st, err := openSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		check(t, st, func() store.Store {
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		st, err := openPostgres(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.pool.Close)
		check(t, st, func() store.Store { return db })
	})
}

func check(t *testing.T, st table, confcal func() store.Store) {
	srv := httptest.NewServer(routes(st))
	defer srv.Close()
	type answer struct {
		ID, EditToken string
		Sessions      []string
		Version       int
	}
	do := func(method, path, body string, want int) answer {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d, want %d", method, path, res.StatusCode, want)
		}
		var a answer
		if want < 300 {
			if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
		}
		return a
	}
	created := do("POST", "/api/v1/events/ev/schedules", `{"sessions":["s1"]}`, http.StatusCreated)
	if created.ID == "" || created.EditToken == "" || !slices.Equal(created.Sessions, []string{"s1"}) || created.Version != 1 {
		t.Fatalf("created: %+v", created)
	}
	at := "/api/v1/schedules/" + created.ID
	steps := []struct {
		method, path, body string
		sessions           []string
	}{
		{"PUT", at + "/sessions/s2", "", []string{"s1", "s2"}},
		{"PUT", at + "/sessions/s2", "", []string{"s1", "s2"}}, // starred already
		{"DELETE", at + "/sessions/s1", "", []string{"s2"}},
		{"DELETE", at + "/sessions/s9", "", []string{"s2"}}, // not starred
		{"PUT", at, `{"sessions":["a","b"],"reminderMinutes":10}`, []string{"a", "b"}},
		{"DELETE", at + "/sessions/a", "", []string{"b"}},
		{"DELETE", at + "/sessions/b", "", []string{}},
	}
	for i, s := range steps {
		got := do(s.method, s.path, s.body, http.StatusOK)
		if !slices.Equal(got.Sessions, s.sessions) || got.Version != i+2 {
			t.Fatalf("%s %s: %+v, want sessions %q at version %d", s.method, s.path, got, s.sessions, i+2)
		}
		row, err := confcal().Schedule(context.Background(), created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(row.Sessions, s.sessions) || row.Version != i+2 {
			t.Fatalf("after %s %s confcal reads sessions %q at version %d", s.method, s.path, row.Sessions, row.Version)
		}
	}
	do("PUT", "/api/v1/schedules/nope/sessions/s1", "", http.StatusNotFound)
	do("PUT", at, `{"sessions":`, http.StatusBadRequest)
}
