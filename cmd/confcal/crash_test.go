package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/confcal/confcal/internal/formats"
	"github.com/confcal/confcal/internal/store/sqlite"
	"github.com/confcal/confcal/internal/synth"
)

// child is confcal serve as a separate process (the test binary re-executed as confcal).
type child struct {
	cmd *exec.Cmd
	url string
}

func startChild(t *testing.T, dataDir string) child {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(os.Environ(), "CONFCAL_TEST_MAIN=1", "CONFCAL_DATA_DIR="+dataDir, "CONFCAL_ADDR="+addr,
		"CONFCAL_LIMITS=off", "CONFCAL_METRICS_ADDR=off", "CONFCAL_ACCESS_LOG=false")
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c := child{cmd: cmd, url: "http://" + addr}
	waitFor(t, 15*time.Second, func() bool { return get(c.url+"/readyz") == http.StatusOK })
	return c
}

func (c child) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
}

// integrity runs SQLite's own check of the file.
func integrity(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q, %v", res, err)
	}
}

// send makes one request; ok is whether the server acknowledged it with want.
func send(client *http.Client, method, url, body, token string, want int) (ok bool, resp []byte) {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return false, nil
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return err == nil && res.StatusCode == want, data
}

// Every write that serve acknowledged survives a SIGKILL under 8 concurrent writers, and
// the file passes integrity_check; five kills in a row, on one file.
func TestCrashSafetyUnderWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("kills serve five times")
	}
	dir := t.TempDir()
	sessions := []string{"wenger-rust-io-uring-ktls", "pavlo-databases-and-operating-systems"}
	type acked struct {
		id, token string
		stars     []string
	}
	var all []*acked
	var mu gosync.Mutex
	for round := range 5 {
		c := startChild(t, dir)
		client := &http.Client{Timeout: 5 * time.Second}
		stop := make(chan struct{})
		var writers gosync.WaitGroup
		for range 8 {
			writers.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					ok, body := send(client, "POST", c.url+"/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`, "", http.StatusCreated)
					if !ok {
						return // the server is gone
					}
					var sc struct{ ID, EditToken string }
					json.Unmarshal(body, &sc)
					a := &acked{id: sc.ID, token: sc.EditToken}
					mu.Lock()
					all = append(all, a)
					mu.Unlock()
					for _, s := range sessions {
						if ok, _ := send(client, "PUT", c.url+"/api/v1/schedules/"+sc.ID+"/sessions/"+s, "", sc.EditToken, http.StatusOK); !ok {
							return
						}
						mu.Lock()
						a.stars = append(a.stars, s)
						mu.Unlock()
					}
				}
			})
		}
		time.Sleep(time.Duration(300+round*150) * time.Millisecond)
		c.kill(t)
		close(stop)
		writers.Wait()
		integrity(t, filepath.Join(dir, "confcal.db"))
	}
	c := startChild(t, dir)
	client := &http.Client{Timeout: 5 * time.Second}
	lost := 0
	for _, a := range all {
		ok, body := send(client, "GET", c.url+"/api/v1/schedules/"+a.id, "", a.token, http.StatusOK)
		var sc struct{ Sessions []string }
		json.Unmarshal(body, &sc)
		for _, s := range a.stars {
			if !slices.Contains(sc.Sessions, s) {
				ok = false
			}
		}
		if !ok {
			lost++
		}
	}
	t.Logf("%d schedules and their stars acknowledged across 5 kills", len(all))
	if len(all) < 40 || lost > 0 {
		t.Errorf("%d acknowledged schedules, %d of them lost or missing a star", len(all), lost)
	}
}

// An import killed at any point leaves the event at its old revision or at the whole new
// one, never part of it, and the file intact.
func TestCrashSafetyOfImport(t *testing.T) {
	if testing.Short() {
		t.Skip("kills imports")
	}
	dir := t.TempDir()
	data, err := formats.EncodeNative(synth.Event(synth.Options{Slug: "big", Sessions: 3000, Tracks: 20, Days: 5}))
	if err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(t.TempDir(), "big.json")
	os.WriteFile(doc, data, 0o644)
	importer := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "import", "--event", "big", doc)
		cmd.Env = append(os.Environ(), "CONFCAL_TEST_MAIN=1", "CONFCAL_DATA_DIR="+dir)
		return cmd
	}
	// A whole import first, timed: the kills then fall across the next ones.
	start := time.Now()
	if out, err := importer().CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	took := time.Since(start)
	path := filepath.Join(dir, "confcal.db")
	seen := map[int]int{}
	for i := range 10 {
		// Each import a different document, so that each would write a revision.
		edited := strings.Replace(string(data), "shaving microseconds", fmt.Sprintf("shaving microseconds (%d)", i), 1)
		os.WriteFile(doc, []byte(edited), 0o644)
		cmd := importer()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := took * time.Duration(30+i*13) / 100 // from a third of the way to well past the end
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		integrity(t, path)
		st, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		rev, err := st.LatestRevision(context.Background(), "big")
		if err != nil {
			t.Fatal(err)
		}
		ev, err := formats.ReadNative(strings.NewReader(string(rev.Document)), "big")
		if err != nil || len(ev.Sessions) != 3000 {
			t.Errorf("after a kill at %s: revision %d holds %d sessions: %v", delay, rev.Number, len(ev.Sessions), err)
		}
		seen[rev.Number]++
		st.Close()
	}
	t.Logf("an import takes %s; latest revision after each kill: %v", took.Round(time.Millisecond), seen)
}
