package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"
)

func testdata(name string) string {
	return filepath.Join("..", "..", "internal", "formats", "testdata", name)
}

// Each sample format through the CLI: a first import, a dry run of the second wave that
// shows the move, the rename and the removal without writing, the second import, and an
// identical third that changes nothing.
func TestImportEachFormat(t *testing.T) {
	for _, c := range []struct{ format, v1, v2 string }{
		{"sessionize", "sessionize-all-v1.json", "sessionize-all-v2.json"},
		{"pretalx", "pretalx-schedule-v1.json", "pretalx-schedule-v2.json"},
		{"frab-xml", "frab-schedule-v1.xml", "frab-schedule-v2.xml"},
	} {
		t.Run(c.format, func(t *testing.T) {
			vars := map[string]string{"CONFCAL_DATA_DIR": t.TempDir()}
			out, errOut, err := runCmd(t, vars, "import", "--event", "tls25", "--format", c.format, "--time-zone", "Europe/Berlin", testdata(c.v1))
			if err != nil || !strings.Contains(out, "tls25: new event, revision 1 is written") {
				t.Fatalf("first import: %v\n%s%s", err, out, errOut)
			}
			out, _, err = runCmd(t, vars, "import", "--event", "tls25", "--dry-run", testdata(c.v2))
			for _, want := range []string{
				"revision 2 would be written",
				"“io_uring in production” moved to Sun Oct 26 17:45 CET",
				"“eBPF profilers that cost nothing” renamed to “io_uring in production: two years later”",
				"Removed “Zig for systems people”: calendars show it as cancelled",
			} {
				if err != nil || !strings.Contains(out, want) {
					t.Errorf("dry run lacks %q (%v):\n%s", want, err, out)
				}
			}
			if out, _, _ := runCmd(t, vars, "import", "--event", "tls25", testdata(c.v2)); !strings.Contains(out, "revision 2 is written") {
				t.Errorf("second import: %s", out)
			}
			if out, _, _ := runCmd(t, vars, "import", "--event", "tls25", testdata(c.v2)); !strings.Contains(out, "no changes; revision 2 stays current") {
				t.Errorf("identical import: %s", out)
			}
		})
	}
}

func TestImportFromURLAndLimits(t *testing.T) {
	data, err := os.ReadFile(testdata("pretalx-schedule-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	defer srv.Close()
	vars := map[string]string{"CONFCAL_DATA_DIR": t.TempDir()}
	if out, errOut, err := runCmd(t, vars, "import", "--event", "tls25", srv.URL+"/schedule.json"); err != nil || !strings.Contains(out, "revision 1 is written") {
		t.Fatalf("import from URL: %v %s %s", err, out, errOut)
	}
	if _, _, err := runCmd(t, vars, "check", "--event", "x", srv.URL+"/missing"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a missing URL: %v", err)
	}
	vars["CONFCAL_MAX_DOCUMENT"] = "1000"
	if _, _, err := runCmd(t, vars, "check", "--event", "x", srv.URL+"/schedule.json"); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("over the size limit: %v", err)
	}
	if _, _, err := runCmd(t, vars, "check", "--event", "x", testdata("pretalx-schedule-v1.json")); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("a file over the size limit: %v", err)
	}
	if _, _, err := runCmd(t, vars, "import", "--event", "x", "--format", "ical", "f"); err == nil || !strings.Contains(err.Error(), `unknown format "ical"`) {
		t.Errorf("unknown format: %v", err)
	}
}

// serve --sync keeps an event in step with its source, and the admin API shows the status;
// the admin token from a file turns the API on, and a wrong one is refused.
func TestServeSyncAndAdminToken(t *testing.T) {
	data, err := os.ReadFile(testdata("frab-schedule-v1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
	defer src.Close()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "admin-token")
	os.WriteFile(tokenFile, []byte("s3cret-admin-token-for-tests\n"), 0o600)
	addr := freeAddr(t)
	vars := map[string]string{"CONFCAL_DATA_DIR": filepath.Join(dir, "data"), "CONFCAL_ADDR": addr, "CONFCAL_ADMIN_TOKEN_FILE": tokenFile}
	ctx, cancel := context.WithCancel(context.Background())
	var wg gosync.WaitGroup
	var serveErr error
	var logs bytes.Buffer
	wg.Go(func() {
		serveErr = run(ctx, []string{"serve", "--sync", "tls25=" + src.URL + "/schedule.xml,frab-xml,10m"}, env(vars), io.Discard, &logs)
	})
	defer func() {
		cancel()
		wg.Wait()
		if serveErr != nil {
			t.Errorf("serve: %v", serveErr)
		}
		if strings.Contains(logs.String(), "s3cret") {
			t.Error("the admin token was logged")
		}
	}()
	url := "http://" + addr
	waitFor(t, 10*time.Second, func() bool { return get(url+"/api/v1/events/tls25") == http.StatusOK })
	req, _ := http.NewRequest("GET", url+"/api/v1/admin/sync", nil)
	req.Header.Set("Authorization", "Bearer s3cret-admin-token-for-tests")
	// The event is served from the moment its revision is committed (the catalog sees the
	// commit itself); the sync records its result just after, so read it once it is in.
	var res *http.Response
	var body []byte
	waitFor(t, 10*time.Second, func() bool {
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res = r
		body, _ = io.ReadAll(r.Body)
		r.Body.Close()
		return r.StatusCode != http.StatusOK || !strings.Contains(string(body), `"result":"pending"`)
	})
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"result":"changed"`) || !strings.Contains(string(body), `"revision":1`) {
		t.Errorf("sync status: %d %s", res.StatusCode, body)
	}
	req.Header.Set("Authorization", "Bearer wrong")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: %v %v", res.StatusCode, err)
	}
}

func TestSyncAndTokenSettings(t *testing.T) {
	for _, c := range []struct {
		vars map[string]string
		args []string
		want string
	}{
		{map[string]string{"CONFCAL_ADMIN_TOKEN": "short"}, nil, "admin token: at least 16 characters"},
		{map[string]string{"CONFCAL_ADMIN_TOKEN_FILE": "/nonexistent/token"}, nil, "admin-token-file"},
		{nil, []string{"--sync", "tls25=ftp://x"}, "want an http(s) URL"},
		{map[string]string{"CONFCAL_SYNC": "a=https://x.org/1;a=https://x.org/2"}, nil, "another source"},
	} {
		c.vars = mapOr(c.vars)
		c.vars["CONFCAL_DATA_DIR"] = t.TempDir()
		_, _, err := runCmd(t, c.vars, append([]string{"serve"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: %v, want %q", c.vars, c.args, err, c.want)
		}
	}
}

func mapOr(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// backup copies the database while serve writes to it; the copy opens and holds the data.
func TestMigrateAndBackup(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"CONFCAL_DATA_DIR": filepath.Join(dir, "data")}
	if out, _, err := runCmd(t, vars, "migrate"); err != nil || !strings.Contains(out, "migrations applied") {
		t.Fatalf("migrate: %v %s", err, out)
	}
	if _, _, err := runCmd(t, vars, "import", "--event", "tls25", testdata("pretalx-schedule-v1.json")); err != nil {
		t.Fatal(err)
	}
	// A writer keeps adding revisions while the backup runs.
	ctx, cancel := context.WithCancel(context.Background())
	var wg gosync.WaitGroup
	wg.Go(func() {
		for i := 0; ctx.Err() == nil && i < 50; i++ {
			file := []string{"pretalx-schedule-v2.json", "pretalx-schedule-v1.json"}[i%2]
			runCmd(t, vars, "import", "--event", "tls25", testdata(file))
		}
	})
	dest := filepath.Join(dir, "backup.db")
	out, _, err := runCmd(t, vars, "backup", dest)
	cancel()
	wg.Wait()
	if err != nil || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %v %s", err, out)
	}
	copyVars := map[string]string{"CONFCAL_DATA_DIR": filepath.Join(dir, "restored")}
	os.MkdirAll(copyVars["CONFCAL_DATA_DIR"], 0o755)
	if err := os.Rename(dest, filepath.Join(copyVars["CONFCAL_DATA_DIR"], "confcal.db")); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCmd(t, copyVars, "import", "--event", "tls25", "--dry-run", testdata("pretalx-schedule-v1.json"))
	if err != nil || (!strings.Contains(out, "no changes") && !strings.Contains(out, "would be written")) {
		t.Errorf("the copy does not hold the event: %v %s", err, out)
	}
	if _, _, err := runCmd(t, vars, "backup", filepath.Join(dir, "data", "confcal.db")); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing file: %v", err)
	}
	pg := map[string]string{"CONFCAL_DATABASE_URL": "postgres://nobody@127.0.0.1:1/x"}
	if _, _, err := runCmd(t, pg, "backup", filepath.Join(dir, "x.db")); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup on PostgreSQL: %v", err)
	}
}

// Shutdown drains: a request in flight when the signal comes is answered in full.
func TestGracefulShutdownDrains(t *testing.T) {
	data, _ := os.ReadFile(testdata("pretalx-schedule-v1.json"))
	started := make(chan struct{})
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(700 * time.Millisecond) // a slow CFP tool
		w.Write(data)
	}))
	defer src.Close()
	addr := freeAddr(t)
	vars := map[string]string{"CONFCAL_DATA_DIR": t.TempDir(), "CONFCAL_ADDR": addr, "CONFCAL_ADMIN_TOKEN": "drain-test-admin-token"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, env(vars), io.Discard, io.Discard) }()
	url := "http://" + addr
	waitFor(t, 10*time.Second, func() bool { return get(url+"/readyz") == http.StatusOK })
	result := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", url+"/api/v1/admin/events/tls25/import", strings.NewReader(`{"url":"`+src.URL+`"}`))
		req.Header.Set("Authorization", "Bearer drain-test-admin-token")
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- 0
			return
		}
		res.Body.Close()
		result <- res.StatusCode
	}()
	<-started
	cancel() // SIGTERM while the import is in flight
	if code := <-result; code != http.StatusCreated {
		t.Errorf("the in-flight request got %d, want 201", code)
	}
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	if get(url+"/readyz") != 0 {
		t.Error("still serving after shutdown")
	}
}

// What an import changes to accept a real export is said at every gate: check, a dry run
// and the import itself, each warning with its line.
func TestWarningsAtEveryGate(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "schedule.xml")
	os.WriteFile(doc, []byte(`<?xml version="1.0"?>
<schedule><version>1</version>
<conference><title>Q</title><start>2025-02-01</start><end>2025-02-01</end></conference>
<day date="2025-02-01" index="1"><room name="K.4.601">
<event guid="g1" id="1"><date>2025-02-01T10:00:00+01:00</date><duration>00:30</duration><room>K.4.601</room><title>One</title>
<abstract>&lt;p&gt;In &lt;b&gt;HTML&lt;/b&gt;&lt;/p&gt;</abstract><track>Go</track><persons><person id="7">Ann</person><person id="7">Ann</person></persons></event>
</room></day></schedule>`), 0o644)
	vars := map[string]string{"CONFCAL_DATA_DIR": t.TempDir()}
	_, errOut, err := runCmd(t, vars, "check", "--event", "q", doc)
	if err == nil || !strings.Contains(errOut, "timeZone: the document names no time zone (no time_zone_name; its times are at UTC+01:00): give the event's") {
		t.Errorf("check without a zone: %v\n%s", err, errOut)
	}
	for _, args := range [][]string{
		{"check", "--event", "q", "--time-zone", "Europe/Brussels", doc},
		{"import", "--event", "q", "--time-zone", "Europe/Brussels", "--dry-run", doc},
		{"import", "--event", "q", "--time-zone", "Europe/Brussels", doc},
	} {
		out, errOut, err := runCmd(t, vars, args...)
		for _, want := range []string{
			"warning: timeZone: the document names no time zone (time_zone_name); Europe/Brussels, as given, is used",
			`warning: line 5 <event guid="g1"> <abstract>: HTML became plain text in 1 text`,
			`warning: line 5 <event guid="g1"> <persons>: speaker "7" is listed twice on the session: kept once`,
		} {
			if err != nil || !strings.Contains(errOut, want) {
				t.Errorf("%s: lacks %q (%v):\n%s%s", args[0], want, err, out, errOut)
			}
		}
	}
}
