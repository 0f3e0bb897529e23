package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/store/sqlite"
)

// TestMain lets tests run the real binary as a separate process: the test binary re-executes
// itself with CONFCAL_TEST_MAIN=1 and behaves as confcal.
func TestMain(m *testing.M) {
	if os.Getenv("CONFCAL_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// env serves vars as the environment; the metrics listener is off unless vars name an
// address (its default one is shared by every serve on the machine).
func env(vars map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := vars[k]; ok || k != "CONFCAL_METRICS_ADDR" {
			return v
		}
		return "off"
	}
}

func runCmd(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, env(vars), &out, &errOut)
	return out.String(), errOut.String(), err
}

func writeDoc(t *testing.T, dir, name string, edit func(doc map[string]any)) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(bundled.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(doc)
	}
	data, _ := json.MarshalIndent(doc, "", "  ")
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func sessions(doc map[string]any) []any { return doc["sessions"].([]any) }

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCmd(t, nil, "check", writeDoc(t, dir, "ok.json", nil))
	if err != nil || !strings.Contains(out, "p99conf-24: valid: 3 sessions (3 scheduled, 0 TBA), 10 speakers, 7 tracks") {
		t.Fatalf("check of the bundled document: %q, %v", out, err)
	}
	bad := writeDoc(t, dir, "bad.json", func(doc map[string]any) {
		doc["timeZone"] = "Nowhere/Special"
		s := sessions(doc)[1].(map[string]any)
		s["trackId"] = "nope"
		s["end"] = "2024-10-23T09:00:00-07:00"
	})
	_, stderr, err := runCmd(t, nil, "check", bad)
	if err == nil {
		t.Fatal("check of an invalid document succeeded")
	}
	for _, want := range []string{`timeZone: unknown time zone "Nowhere/Special"`, `sessions[1].trackId: unknown track "nope"`, "sessions[1].end: before start"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, _, err := runCmd(t, nil, "check"); err == nil {
		t.Error("check without a file succeeded")
	}
}

func TestImport(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"CONFCAL_DATA_DIR": filepath.Join(dir, "data")}
	bad := writeDoc(t, dir, "bad.json", func(doc map[string]any) { sessions(doc)[0].(map[string]any)["speakerIds"] = []string{"ghost"} })
	_, stderr, err := runCmd(t, vars, "import", "--event", "p99conf-24", bad)
	if err == nil || !strings.Contains(stderr, `sessions[0].speakerIds[0]: unknown speaker "ghost"`) || !strings.Contains(err.Error(), "nothing written") {
		t.Fatalf("import of an invalid document: %v\n%s", err, stderr)
	}
	good := writeDoc(t, dir, "good.json", nil)
	out, _, err := runCmd(t, vars, "import", good, "--event", "p99conf-24")
	if err != nil || !strings.Contains(out, "p99conf-24: new event, revision 1 is written: 3 sessions, 10 speakers, 7 tracks") {
		t.Fatalf("first import: %q %v", out, err)
	}
	out, _, err = runCmd(t, vars, "import", "--event", "p99conf-24", good)
	if err != nil || !strings.Contains(out, "no changes; revision 1 stays current") {
		t.Fatalf("identical import: %q %v", out, err)
	}
	renamed := writeDoc(t, dir, "renamed.json", func(doc map[string]any) { sessions(doc)[0].(map[string]any)["title"] = "Renamed" })
	out, _, err = runCmd(t, vars, "import", "--dry-run", "--event", "p99conf-24", renamed)
	if err != nil || !strings.Contains(out, "revision 2 would be written: 1 session changed") {
		t.Fatalf("dry run: %q %v", out, err)
	}
	_, _, err = runCmd(t, vars, "import", "--event", "p99conf-24", bad)
	if err == nil {
		t.Fatal("invalid import succeeded")
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "data", "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if rev, err := db.LatestRevision(context.Background(), "p99conf-24"); err != nil || rev.Number != 1 {
		t.Errorf("after a dry run and a refused import the latest revision is %d, %v; want 1", rev.Number, err)
	}
}

func TestConfigErrors(t *testing.T) {
	_, _, err := runCmd(t, map[string]string{"CONFCAL_BASE_URL": "ftp://x", "CONFCAL_LOG_FORMAT": "xml", "CONFCAL_GC_HEADROOM": "-5"}, "serve", "--addr", "nonsense")
	if err == nil {
		t.Fatal("serve with bad settings started")
	}
	for _, want := range []string{"addr", "base-url", "log-format", "gc-headroom"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if _, _, err := runCmd(t, nil, "frobnicate"); err == nil {
		t.Error("unknown command accepted")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// A running serve picks up a revision written by `confcal import` in another process
// within 2 seconds, without a restart, and shuts down cleanly.
func TestServePicksUpImportFromAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	vars := map[string]string{"CONFCAL_DATA_DIR": filepath.Join(dir, "data"), "CONFCAL_ADDR": addr}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var serveErr error
	wg.Go(func() { serveErr = run(ctx, nil, env(vars), io.Discard, io.Discard) })
	defer func() {
		cancel()
		wg.Wait()
		if serveErr != nil {
			t.Errorf("serve returned %v", serveErr)
		}
	}()
	url := "http://" + addr
	waitFor(t, 10*time.Second, func() bool { return get(url+"/readyz") == http.StatusOK })
	if rev := revision(t, url); rev != 1 {
		t.Fatalf("bundled event served at revision %d", rev)
	}

	doc := writeDoc(t, dir, "moved.json", func(doc map[string]any) {
		s := sessions(doc)[1].(map[string]any)
		s["start"], s["end"] = "2024-10-24T09:10:00-07:00", "2024-10-24T09:35:00-07:00"
	})
	cmd := exec.Command(os.Args[0], "import", "--event", "p99conf-24", doc)
	cmd.Env = append(os.Environ(), "CONFCAL_TEST_MAIN=1", "CONFCAL_DATA_DIR="+vars["CONFCAL_DATA_DIR"])
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("import process: %v\n%s", err, out)
	}
	imported := time.Now()
	waitFor(t, 5*time.Second, func() bool { return revision(t, url) == 2 })
	if took := time.Since(imported); took > 2*time.Second {
		t.Errorf("serve took %s to pick up the import, want at most 2s", took)
	}
	body := fetch(t, url+"/events/p99conf-24/calendar.ics")
	if !strings.Contains(body, "DTSTART:20241024T161000Z") || !strings.Contains(body, "SEQUENCE:1") {
		t.Errorf("feed does not show the moved session:\n%s", body)
	}
}

func get(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func fetch(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func revision(t *testing.T, url string) int {
	var doc struct {
		Revision struct {
			Number int `json:"number"`
		} `json:"revision"`
	}
	if err := json.Unmarshal([]byte(fetch(t, url+"/api/v1/events/p99conf-24")), &doc); err != nil {
		return 0
	}
	return doc.Revision.Number
}

func waitFor(t *testing.T, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
