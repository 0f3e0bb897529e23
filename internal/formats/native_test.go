package formats_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/formats"
	"github.com/confcal/confcal/internal/synth"
)

// Export = import: a document written by formats.NewDocument reads back as the same agenda.
func TestRoundTrip(t *testing.T) {
	bundledEvent, err := bundled.Event()
	if err != nil {
		t.Fatal(err)
	}
	tba := synth.Event(synth.Options{Sessions: 20, Tracks: 3, Days: 1})
	tba.Sessions[5].Start, tba.Sessions[5].End = zero(), zero()
	tba.Sessions[6].Status = agenda.StatusCancelled
	// The hostile agenda's CRs, tabs and trailing spaces are tidied on the way in, as every
	// document's are; the tidied agenda then round-trips.
	tidied := synth.Hostile()
	agenda.Tidy(tidied)
	for name, c := range map[string]struct{ ev, want *agenda.Event }{
		"bundled": {bundledEvent, bundledEvent}, "synthetic": {tba, tba}, "hostile": {synth.Hostile(), tidied},
	} {
		t.Run(name, func(t *testing.T) {
			doc, err := formats.EncodeNative(c.ev)
			if err != nil {
				t.Fatal(err)
			}
			back, err := formats.ReadNative(bytes.NewReader(doc), "")
			if err != nil {
				t.Fatalf("re-import: %v", err)
			}
			if diff := cmp.Diff(c.want, back, cmpopts.IgnoreUnexported(agenda.Event{})); diff != "" {
				t.Errorf("round trip (-exported +imported):\n%s", diff)
			}
		})
	}
}

// Every document we write, and the bundled one as shipped, matches the published schema.
func TestSchema(t *testing.T) {
	sch := compileSchema(t)
	bundledEvent, _ := bundled.Event()
	docs := map[string][]byte{"bundled file": bundled.Document()}
	for name, ev := range map[string]*agenda.Event{"bundled": bundledEvent, "synthetic": synth.Event(synth.Options{Sessions: 50, Tracks: 4}), "hostile": synth.Hostile()} {
		d := formats.NewDocument(ev)
		d.Revision = &formats.RevisionInfo{Number: 3, CreatedAt: "2024-09-01T10:00:00Z"}
		data, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = data
	}
	for name, data := range docs {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s does not match the schema: %v", name, err)
		}
	}
	// The schema is not vacuous: it refuses what the reader refuses.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"name":"x","timeZone":"UTC","startDate":"2024-01-01","endDate":"2024-01-01","sessions":[{"id":"a","title":"t","kind":"party"}]}`))
	if sch.Validate(bad) == nil {
		t.Error("schema accepts an unknown session kind")
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("../../docs/agenda.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(formats.SchemaURL, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(formats.SchemaURL)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestReadNativeProblems(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string // problem strings
	}{
		{"syntax error names the line", "{\n  \"name\": \"x\",\n  \"timeZone\": oops\n}", []string{"line 3, column 16: malformed JSON: invalid character 'o' looking for beginning of value"}},
		{"wrong type names the field", `{"name": 5}`, []string{"name: line 1, column 11: want string, got JSON number"}},
		{"unknown field", `{"name": "x", "tracksx": []}`, []string{`unknown field "tracksx"`}},
		{"empty", ``, []string{"empty document"}},
		{"trailing data", `{} {}`, []string{"unexpected data after the document"}},
		{"bad times and refs at once", `{"slug":"c","name":"C","timeZone":"UTC","startDate":"2024-01-01","endDate":"2024-01-01",
		  "sessions":[{"id":"a","title":"A","start":"yesterday","end":"2024-01-01T10:00:00Z"},
		              {"id":"b","title":"B","trackId":"nope","start":"2024-01-01T10:00","end":"2024-01-01T09:00"}]}`,
			[]string{`sessions[0].start: want an RFC 3339 time such as 2024-10-23T09:00:00-07:00, got "yesterday"`,
				`sessions[0].start: required when end is set (leave both out for a TBA session)`,
				`sessions[1].trackId: unknown track "nope"`, `sessions[1].end: before start`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := formats.ReadNative(strings.NewReader(tt.doc), "")
			var ve *agenda.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreUnexported(agenda.Event{})); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// Times without an offset are read in the event's zone, DST included.
func TestLocalTimes(t *testing.T) {
	ev, err := formats.ReadNative(strings.NewReader(`{"slug":"c","name":"C","timeZone":"America/Los_Angeles","startDate":"2024-10-23","endDate":"2024-11-05",
		"sessions":[{"id":"pdt","title":"A","start":"2024-10-23T09:00","end":"2024-10-23T09:30"},
		            {"id":"pst","title":"B","start":"2024-11-04T09:00","end":"2024-11-04T09:30"}]}`), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.Sessions[0].Start.Format("15:04Z07:00"); got != "16:00Z" {
		t.Errorf("PDT start = %s, want 16:00Z", got)
	}
	if got := ev.Sessions[1].Start.Format("15:04Z07:00"); got != "17:00Z" {
		t.Errorf("PST start = %s, want 17:00Z", got)
	}
}

func zero() (t time.Time) { return }

func TestSlugOverride(t *testing.T) {
	ev, err := formats.ReadNative(bytes.NewReader(bundled.Document()), "copy")
	if err != nil || ev.Slug != "copy" {
		t.Fatalf("slug = %v, %v", ev, err)
	}
}

// Decoding a revision on its predecessor takes the sessions whose text is unchanged from
// it, and reads every revision exactly as a decoding from scratch does: a renamed, a moved,
// an added, a removed and a TBA session, and a new time zone, which changes what every time
// without an offset means.
func TestDecodeNativeReusing(t *testing.T) {
	encode := func(ev *agenda.Event) []byte {
		t.Helper()
		doc, err := formats.EncodeNative(ev)
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	ev := synth.Event(synth.Options{Sessions: 40, Tracks: 4, Days: 2})
	_, reuse, err := formats.DecodeNativeReusing(encode(ev), "", nil)
	if err != nil || reuse.Reused() != 0 {
		t.Fatalf("first decoding: reused %d, err %v", reuse.Reused(), err)
	}
	steps := []struct {
		name   string
		change func(ev *agenda.Event)
		reused int
	}{
		{"unchanged", func(*agenda.Event) {}, 40},
		{"renamed", func(ev *agenda.Event) { ev.Sessions[3].Title += " (renamed)" }, 39},
		{"moved", func(ev *agenda.Event) {
			ev.Sessions[7].Start, ev.Sessions[7].End = ev.Sessions[7].Start.Add(time.Hour), ev.Sessions[7].End.Add(time.Hour)
		}, 39},
		{"added", func(ev *agenda.Event) {
			s := ev.Sessions[0]
			s.ID, s.Title = "added", "Added late"
			ev.Sessions = append(ev.Sessions, s)
		}, 40},
		{"removed", func(ev *agenda.Event) { ev.Sessions = append(ev.Sessions[:1], ev.Sessions[2:]...) }, 40},
		{"tba", func(ev *agenda.Event) { ev.Sessions[4].Start, ev.Sessions[4].End = time.Time{}, time.Time{} }, 39},
		{"new zone", func(ev *agenda.Event) { ev.TimeZone = "Europe/Brussels" }, 0},
	}
	for _, st := range steps {
		st.change(ev)
		doc := encode(ev)
		want, err := formats.DecodeNative(doc, "")
		if err != nil {
			t.Fatal(err)
		}
		got, next, err := formats.DecodeNativeReusing(doc, "", reuse)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(agenda.Event{})); diff != "" {
			t.Errorf("%s: reusing decoding differs (-scratch +reusing):\n%s", st.name, diff)
		}
		if next.Reused() != st.reused {
			t.Errorf("%s: reused %d sessions, want %d", st.name, next.Reused(), st.reused)
		}
		reuse = next
	}
	// A session whose times have no offset is read in the document's zone: when the zone
	// changes, the same text is a different time, and nothing is taken from before.
	local := []byte(`{"slug":"l","name":"L","timeZone":"UTC","startDate":"2024-10-23","endDate":"2024-10-23","tracks":[],"speakers":[],
		"sessions":[{"id":"a","title":"A","speakerIds":[],"start":"2024-10-23T09:00:00","end":"2024-10-23T10:00:00"}]}`)
	_, r1, err := formats.DecodeNativeReusing(local, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	moved := bytes.Replace(local, []byte(`"timeZone":"UTC"`), []byte(`"timeZone":"America/Los_Angeles"`), 1)
	got, r2, err := formats.DecodeNativeReusing(moved, "", r1)
	if err != nil {
		t.Fatal(err)
	}
	if start := got.Sessions[0].Start; !start.Equal(time.Date(2024, 10, 23, 16, 0, 0, 0, time.UTC)) || r2.Reused() != 0 {
		t.Errorf("after the zone changed: start %v, reused %d; want 16:00 UTC, 0", start, r2.Reused())
	}
	// Malformed text is refused as DecodeNative refuses it, with its place in the document.
	if _, _, err := formats.DecodeNativeReusing([]byte(`{"slug":"x","sessions":[{"id":1}]}`), "", r2); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("malformed session: %v, want a refusal naming its line", err)
	}
}
