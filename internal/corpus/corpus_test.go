package corpus_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/c3voc"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/feed/feedtest"
	"github.com/confcal/confcal/internal/formats"
	"github.com/confcal/confcal/internal/store/sqlite"
)

// entry is one row of the corpus README's table.
type entry struct {
	file                              string
	sessions, speakers, tracks, rooms int
	zone                              string // "" when the file names its own
}

var row = regexp.MustCompile(`^\| (\S+) \| [^|]+ \| (\d+) \| (\d+) \| (\d+)[^|]* \| (\d+) \| ([^|]+) \|$`)

// readme reads the counts the corpus README gives for each file.
func readme(t *testing.T, dir string) []entry {
	f, err := os.Open(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := row.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		e := entry{file: m[1], sessions: n(2), speakers: n(3), tracks: n(4), rooms: n(5), zone: strings.TrimSpace(m[6])}
		if e.zone == "in the file" {
			e.zone = ""
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		t.Fatal("the corpus README has no table of files")
	}
	return out
}

// Every file of the corpus imports with the README's counts, every start instant as the
// source says, feeds that an independent parser reads with the room in LOCATION, an event
// feed under 1,000,000 bytes, exports that pass the C3VOC validators, and re-imports of
// the same file and of our own export that change nothing.
func TestCorpus(t *testing.T) {
	dir := filepath.Join(c3voc.Shared(t), "corpus")
	for _, c := range readme(t, dir) {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			slug := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(c.file, ".xml"), ".json"))
			o := formats.Options{Slug: slug, TimeZone: c.zone}
			ev, warns, err := formats.Read("", data, o)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range warns {
				t.Logf("warning: %s", w)
			}
			got := entry{c.file, len(ev.Sessions), len(ev.Speakers), len(ev.Tracks), len(ev.Rooms), c.zone}
			if got != c {
				t.Errorf("imported %+v, the README says %+v", got, c)
			}
			checkStarts(t, ev, data, c.zone)
			snap := publish(t, ev)
			checkFeeds(t, snap)
			checkExports(t, snap)
			checkReimports(t, snap, data, o)
		})
	}
}

// checkStarts reads every session's start from the document on its own and compares.
func checkStarts(t *testing.T, ev *agenda.Event, data []byte, zone string) {
	t.Helper()
	starts := sourceStarts(t, data, zone)
	if len(starts) != len(ev.Sessions) {
		t.Errorf("the document has %d scheduled sessions, the import %d", len(starts), len(ev.Sessions))
	}
	for _, s := range ev.Sessions {
		if want, ok := starts[s.ID]; !ok || !want.Equal(s.Start) {
			t.Errorf("%s starts at %v, the document says %v", s.ID, s.Start, want)
		}
	}
}

// sourceStarts maps each event's guid (or Sessionize id) to its start instant.
func sourceStarts(t *testing.T, data []byte, zone string) map[string]time.Time {
	out := map[string]time.Time{}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("<")) {
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "event" {
				var e struct {
					GUID string `xml:"guid,attr"`
					Date string `xml:"date"`
				}
				if err := d.DecodeElement(&e, &se); err != nil {
					t.Fatal(err)
				}
				out[e.GUID] = parse(t, time.RFC3339, e.Date, time.UTC)
			}
		}
	}
	var doc struct {
		Schedule *struct {
			Conference struct {
				Days []struct {
					Rooms map[string][]struct{ GUID, Date string }
				}
			}
		}
		Sessions []struct {
			ID       string
			StartsAt *string
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schedule != nil {
		for _, d := range doc.Schedule.Conference.Days {
			for _, events := range d.Rooms {
				for _, e := range events {
					out[e.GUID] = parse(t, time.RFC3339, e.Date, time.UTC)
				}
			}
		}
		return out
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Sessions {
		if s.StartsAt != nil {
			out[s.ID] = parse(t, "2006-01-02T15:04:05", *s.StartsAt, loc)
		}
	}
	return out
}

func parse(t *testing.T, layout, v string, loc *time.Location) time.Time {
	tm, err := time.ParseInLocation(layout, v, loc)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func openStore(t *testing.T) *sqlite.DB {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var (
	t1      = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	baseURL = "https://agenda.example.org"
)

// publish stores the event as its first revision in a fresh SQLite file and returns the
// snapshot that serves it, as read back from the store.
func publish(t *testing.T, ev *agenda.Event) *snapshot {
	st := openStore(t)
	if _, err := catalog.Publish(context.Background(), st, ev, t1); err != nil {
		t.Fatal(err)
	}
	rev, err := st.LatestRevision(context.Background(), ev.Slug)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := catalog.Build(rev, baseURL, t1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &snapshot{Snapshot: snap, st: st}
}

type snapshot struct {
	*catalog.Snapshot
	st *sqlite.DB
}

// checkFeeds reads every feed an attendee can subscribe to with the independent parser.
func checkFeeds(t *testing.T, snap *snapshot) {
	t.Helper()
	ev := snap.Event
	if n := len(snap.Feed.Bytes()); n > catalog.MaxEventFeed {
		t.Errorf("the event feed is %d bytes, over %d", n, catalog.MaxEventFeed)
	}
	feeds := map[string]*catalog.Body{"calendar.ics": snap.Feed}
	for _, tr := range ev.Tracks {
		feeds["tracks/"+tr.ID] = snap.FilteredFeed(catalog.Filter{Tracks: []string{tr.ID}})
	}
	for _, r := range ev.Rooms {
		feeds["rooms/"+r.ID] = snap.FilteredFeed(catalog.Filter{Rooms: []string{r.ID}})
	}
	for d, _ := time.Parse(time.DateOnly, ev.StartDate); d.Format(time.DateOnly) <= ev.EndDate; d = d.AddDate(0, 0, 1) {
		feeds["day "+d.Format(time.DateOnly)] = snap.FilteredFeed(catalog.Filter{Day: d.Format(time.DateOnly), Bounded: true})
	}
	feeds["session"] = snap.FilteredFeed(catalog.Filter{IDs: []string{ev.Sessions[0].ID}})
	feeds["personal"] = snap.PersonalFeed([]string{ev.Sessions[0].ID, ev.Sessions[len(ev.Sessions)-1].ID}, 10)
	seen := map[string]bool{}
	for name, b := range feeds {
		for uid, e := range feedtest.Events(t, feedtest.Check(t, b.Bytes())) {
			id := strings.TrimSuffix(uid, "."+ev.Slug+"@confcal")
			s, ok := ev.Session(id)
			if !ok {
				t.Errorf("%s: unknown UID %s", name, uid)
				continue
			}
			seen[id] = true
			if room := ev.RoomName(s); room != "" && feedtest.Text(e, "LOCATION") != room {
				t.Errorf("%s: %s LOCATION %q, want %q", name, id, feedtest.Text(e, "LOCATION"), room)
			}
		}
	}
	if len(seen) != len(ev.Sessions) {
		t.Errorf("feeds carry %d of %d sessions", len(seen), len(ev.Sessions))
	}
}

// checkExports validates schedule.json and schedule.xml with the C3VOC validators.
func checkExports(t *testing.T, snap *snapshot) {
	t.Helper()
	js, x := snap.Frab()
	if errs := c3voc.JSONErrors(t, js.Bytes()); len(errs) > 0 {
		t.Errorf("schedule.json: %d schema errors, the first: %s", len(errs), errs[0])
	}
	if errs := c3voc.XMLErrors(t, x.Bytes()); len(errs) > 0 {
		t.Errorf("schedule.xml: %d XSD errors, the first: %s", len(errs), errs[0])
	}
}

// checkReimports imports the same file, then our own exports, on top of the stored
// revision: none of them would make a revision.
func checkReimports(t *testing.T, snap *snapshot, data []byte, o formats.Options) {
	t.Helper()
	js, x := snap.Frab()
	for name, doc := range map[string][]byte{"the same file": data, "our schedule.json": js.Bytes(), "our schedule.xml": x.Bytes()} {
		base, _, err := catalog.Current(context.Background(), snap.st, snap.Event.Slug)
		if err != nil {
			t.Fatal(err)
		}
		o.Base = base
		if name != "the same file" {
			o.TimeZone = ""
		}
		ev, _, err := formats.Read("", doc, o)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		res, _, err := catalog.Plan(context.Background(), snap.st, ev, t1.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if res.Changed {
			t.Errorf("re-importing %s would make a revision: %s\n  %s", name, res.Summary, strings.Join(agenda.Describe(base, ev), "\n  "))
		}
	}
}
