package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
