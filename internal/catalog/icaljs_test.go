package catalog

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/feed"
	"github.com/confcal/confcal/internal/synth"
)

// icaljsDir holds the test-only npm package that .ci/run installs.
const icaljsDir = "../../tools/icaljs"

type icaljsCalendar struct {
	File   string `json:"file"`
	Name   string `json:"name"`
	Method string `json:"method"`
	Events []struct {
		UID         string   `json:"uid"`
		Summary     string   `json:"summary"`
		Description string   `json:"description"`
		Location    string   `json:"location"`
		Sequence    int      `json:"sequence"`
		Status      string   `json:"status"`
		Transp      string   `json:"transp"`
		Start       string   `json:"start"`
		End         string   `json:"end"`
		DTStamp     string   `json:"dtstamp"`
		Conference  string   `json:"conference"`
		Alarms      []string `json:"alarms"`
	} `json:"events"`
}

// needICALJS skips without node and ical.js, unless CI is set: there they are required.
func needICALJS(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(icaljsDir, "node_modules", "ical.js", "package.json"))
	}
	if err != nil {
		msg := "ical.js check needs node and `npm ci --prefix tools/icaljs`: " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node
}

// Mozilla's ical.js (what Thunderbird uses) reads every kind of feed as we meant it.
func TestFeedsParseWithICALJS(t *testing.T) {
	node := needICALJS(t)
	st := openStore(t)
	bundledEv := mustBundled(t)
	hostile := synth.Hostile()
	big := synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2, Rooms: 8})
	dir := t.TempDir()
	type feedFile struct {
		ev       *agenda.Event
		body     *Body
		personal bool
	}
	files := map[string]feedFile{}
	for _, ev := range []*agenda.Event{bundledEv, hostile, big} {
		publish(t, st, ev, t1)
		snap := latestSnapshot(t, st, ev.Slug, t1)
		ids := []string{ev.Sessions[0].ID, ev.Sessions[1].ID}
		files[ev.Slug+"-event.ics"] = feedFile{ev, snap.Feed, false}
		files[ev.Slug+"-track.ics"] = feedFile{ev, snap.FilteredFeed(Filter{Tracks: []string{ev.Tracks[0].ID}}), false}
		files[ev.Slug+"-day.ics"] = feedFile{ev, snap.FilteredFeed(Filter{Day: ev.StartDate}), false}
		files[ev.Slug+"-session.ics"] = feedFile{ev, snap.FilteredFeed(Filter{IDs: ids[:1]}), false}
		files[ev.Slug+"-personal.ics"] = feedFile{ev, snap.PersonalFeed(ids, 30), true}
	}
	// A cancelled tombstone too.
	moved := mustBundled(t)
	moved.Sessions = moved.Sessions[1:]
	publish(t, st, moved, t2)
	files["tombstone.ics"] = feedFile{bundledEv, latestSnapshot(t, st, moved.Slug, t2).Feed, false}

	var args []string
	for name, f := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, f.body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
	}
	out, err := exec.Command(node, append([]string{filepath.Join(icaljsDir, "parse.mjs")}, args...)...).Output()
	if err != nil {
		t.Fatalf("ical.js: %v", err)
	}
	var cals []icaljsCalendar
	if err := json.Unmarshal(out, &cals); err != nil {
		t.Fatal(err)
	}
	if len(cals) != len(files) {
		t.Fatalf("ical.js read %d calendars, want %d", len(cals), len(files))
	}
	for _, cal := range cals {
		name := filepath.Base(cal.File)
		f := files[name]
		t.Run(name, func(t *testing.T) {
			if cal.Method != "PUBLISH" || cal.Name == "" || len(cal.Events) == 0 {
				t.Fatalf("calendar: method %q name %q, %d events", cal.Method, cal.Name, len(cal.Events))
			}
			for _, e := range cal.Events {
				id := strings.TrimSuffix(e.UID, "."+f.ev.Slug+"@confcal")
				want, ok := f.ev.Session(id)
				if !ok {
					t.Errorf("unknown UID %s", e.UID)
					continue
				}

				if e.Start != want.Start.UTC().Format("2006-01-02T15:04:05.000Z") || e.End != want.End.UTC().Format("2006-01-02T15:04:05.000Z") {
					t.Errorf("%s runs %s..%s, want %s..%s", id, e.Start, e.End, want.Start, want.End)
				}
				if want.Abstract != "" && !strings.Contains(e.Description, feedText(want.Abstract)) {
					t.Errorf("%s description lost the abstract", id)
				}
				if ds, _ := time.Parse(time.RFC3339, e.DTStamp); ds.IsZero() {
					t.Errorf("%s DTSTAMP %q", id, e.DTStamp)
				}
				wantTransp, wantStatus := "TRANSPARENT", "CONFIRMED"
				if name == "tombstone.ics" && id == bundledEv.Sessions[0].ID {
					wantStatus = "CANCELLED"
					if e.Sequence != 1 {
						t.Errorf("tombstone SEQUENCE %d, want 1", e.Sequence)
					}
				}
				if e.Summary != feedText(feed.Summary(want.Title, wantStatus == "CANCELLED")) {
					t.Errorf("%s summary %q, want %q", id, e.Summary, want.Title)
				}
				if room := f.ev.RoomName(want); room != "" && e.Location != room {
					t.Errorf("%s LOCATION %q, want the room %q", id, e.Location, room)
				}
				if f.personal {
					wantTransp = "OPAQUE"
					if len(e.Alarms) != 1 || e.Alarms[0] != "-PT30M" {
						t.Errorf("%s alarms %v", id, e.Alarms)
					}
				}
				if e.Transp != wantTransp || e.Status != wantStatus {
					t.Errorf("%s TRANSP %s STATUS %s, want %s %s", id, e.Transp, e.Status, wantTransp, wantStatus)
				}
				if e.Conference != f.ev.JoinURLFor(want) {
					t.Errorf("%s CONFERENCE %q", id, e.Conference)
				}
			}
		})
	}
}

// feedText is agenda text as a feed carries it: line ends as LF.
func feedText(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
