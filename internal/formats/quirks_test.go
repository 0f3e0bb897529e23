package formats_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/formats"
)

// Fixtures of our own for each quirk found in real exports (../shared/corpus): each is
// accepted with the warning it must give, or refused with the problem it must name.

// readWarn reads a document that must be accepted and returns the event and its warnings
// as "place: message".
func readWarn(t *testing.T, f formats.Format, doc string, o formats.Options) (*agenda.Event, []string) {
	t.Helper()
	ev, warns, err := formats.Read(f, []byte(doc), o)
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	var out []string
	for _, w := range warns {
		out = append(out, w.String())
	}
	return ev, out
}

// frabXML is a schedule.xml with the events given, all on 2025-02-01 in Brussels.
func frabXML(zone string, events ...string) string {
	tz := ""
	if zone != "" {
		tz = "<time_zone_name>" + zone + "</time_zone_name>"
	}
	return `<?xml version="1.0"?>
<schedule><version>1</version>
<conference><title>Q</title><start>2025-02-01</start><end>2025-02-01</end>` + tz + `</conference>
<day date="2025-02-01" index="1"><room name="K.4.601" slug="k4601">
` + strings.Join(events, "\n") + `
</room></day></schedule>`
}

func fxEvent(guid, at, title, persons string) string {
	return `<event guid="` + guid + `" id="1"><date>2025-02-01T` + at + `:00+01:00</date><duration>00:30</duration><room>K.4.601</room>` +
		`<title>` + title + `</title><track>Go</track><persons>` + persons + `</persons></event>`
}

var brussels = formats.Options{Slug: "q"}

// One FOSDEM export lists a speaker twice on one talk: merged, with a warning at the line.
func TestQuirkRepeatedSpeaker(t *testing.T) {
	doc := frabXML("Europe/Brussels", fxEvent("g1", "10:00", "Twice", `<person id="7">Ann</person><person id="7">Ann</person><person id="8">Bo</person>`))
	ev, warns := readWarn(t, formats.FrabXML, doc, brussels)
	if got := ev.Sessions[0].SpeakerIDs; len(got) != 2 || got[0] != "7" || got[1] != "8" {
		t.Errorf("speakers %q, want 7 and 8 once each", got)
	}
	wantProblems(t, warns, `line 5 <event guid="g1"> <persons>: speaker "7" is listed twice on the session: kept once`)

	sz := `{"sessions": [{"id": "1", "title": "T", "startsAt": "2025-02-01T10:00:00", "endsAt": "2025-02-01T10:30:00", "speakers": ["a", "a"], "categoryItems": [], "roomId": 5}],
	  "speakers": [{"id": "a", "fullName": "Ann"}], "categories": [], "rooms": [{"id": 5, "name": "Hall", "sort": 0}], "questions": []}`
	_, warns = readWarn(t, formats.Sessionize, sz, formats.Options{Slug: "q", TimeZone: "Europe/Brussels"})
	wantProblems(t, warns, `sessions[0].speakers[1]: speaker "a" is listed twice`)
}

// frab and pretalx abstracts are often HTML: plain text, paragraphs and link targets
// kept, one warning for the document at its first HTML text.
func TestQuirkHTMLAbstract(t *testing.T) {
	abstract := `&lt;p&gt;Callee-saved registers&lt;br&gt;in LLVM.&lt;/p&gt;&lt;p&gt;See &lt;a href="https://github.com/llvm/llvm-project/pull/90819"&gt;the PR&lt;/a&gt; &amp;amp; more.&lt;/p&gt;`
	doc := frabXML("Europe/Brussels",
		strings.Replace(fxEvent("g1", "10:00", "One", ""), "<title>", "<abstract>"+abstract+"</abstract><title>", 1),
		strings.Replace(fxEvent("g2", "11:00", "Two", ""), "<title>", "<abstract>&lt;p&gt;Second&lt;/p&gt;</abstract><title>", 1),
		strings.Replace(fxEvent("g3", "12:00", "Three", ""), "<title>", "<abstract>Vec&lt;T&gt; is not markup, and *Markdown* stays</abstract><title>", 1))
	ev, warns := readWarn(t, formats.FrabXML, doc, brussels)
	if got, want := ev.Sessions[0].Abstract, "Callee-saved registers\nin LLVM.\n\nSee the PR (https://github.com/llvm/llvm-project/pull/90819) & more."; got != want {
		t.Errorf("abstract %q, want %q", got, want)
	}
	if got := ev.Sessions[2].Abstract; got != "Vec<T> is not markup, and *Markdown* stays" {
		t.Errorf("plain abstract changed: %q", got)
	}
	wantProblems(t, warns, `line 5 <event guid="g1"> <abstract>: HTML became plain text in 2 texts`)
}

// Sessionize text carries U+2028 and U+2029, which some parsers drop a description for.
func TestQuirkLineSeparators(t *testing.T) {
	sz := `{"sessions": [{"id": "1", "title": "T", "description": "One\u2028two\u2029Three", "startsAt": "2025-02-01T10:00:00", "endsAt": "2025-02-01T10:30:00", "speakers": [], "categoryItems": [], "roomId": null}],
	  "speakers": [{"id": "a", "fullName": "Ann", "bio": "\ufeffBio\u200b"}], "categories": [], "rooms": [], "questions": []}`
	ev, warns := readWarn(t, formats.Sessionize, sz, formats.Options{Slug: "q", TimeZone: "Europe/Brussels"})
	if got := ev.Sessions[0].Abstract; got != "One\ntwo\n\nThree" {
		t.Errorf("abstract %q", got)
	}
	if got := ev.Speakers[0].Bio; got != "Bio" {
		t.Errorf("bio %q", got)
	}
	wantProblems(t, warns, "sessions[0].description: Unicode line and paragraph separators", "speakers[0].bio: invisible characters")
}

// A document of a shape confcal does not read is refused by what it looks like, not read
// as an empty agenda.
func TestQuirkUnknownShape(t *testing.T) {
	for name, c := range map[string]struct{ doc, want string }{
		"schedule2":   {`{"schedule": {"version": "1", "conference": {"title": "T", "days": [{"date": "2025-02-01"}]}, "events": [{"guid": "x"}]}}`, "c3voc schedule2 JSON"},
		"array":       {`[{"id": "1", "title": "x"}]`, `use its "All" view`},
		"html":        {"<!DOCTYPE html><html><body>Sign in</body></html>", "an HTML page"},
		"ical":        {"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "an iCalendar feed"},
		"pretalx API": {`{"count": 2, "next": null, "results": []}`, "pretalx API"},
	} {
		t.Run(name, func(t *testing.T) {
			wantProblems(t, problems(t, "", c.doc, brussels), c.want)
		})
	}
	// Said as pretalx, schedule2 is refused the same way.
	wantProblems(t, problems(t, formats.Pretalx, `{"schedule": {"version": "1", "conference": {"title": "T", "days": []}, "events": [{}]}}`, brussels), "schedule2")
}

// A pretalx schedule.json may lack conference.time_zone_name: --time-zone (or the event's
// zone) fills it, and says so; without either the problem says what to do.
func TestQuirkMissingZone(t *testing.T) {
	doc := strings.Replace(pxDoc, `"time_zone_name": "Europe/Berlin", `, "", 1)
	doc = doc[:strings.Index(doc, `{"guid": "",`)] + doc[strings.Index(doc, `{"guid": "6d9b`):]
	doc = doc[:strings.Index(doc, `,
    {"guid": "6d9b`)] + "\n  ]}}]}}}"
	wantProblems(t, problems(t, formats.Pretalx, doc, formats.Options{Slug: "q"}),
		"timeZone: the document names no time zone (no time_zone_name; its times are at UTC+02:00): give the event's, for example --time-zone")
	ev, warns := readWarn(t, formats.Pretalx, doc, formats.Options{Slug: "q", TimeZone: "Europe/Berlin"})
	wantProblems(t, warns, "timeZone: the document names no time zone (time_zone_name); Europe/Berlin, as given, is used")
	if ev.TimeZone != "Europe/Berlin" || ev.Sessions[0].Start.Hour() != 7 {
		t.Errorf("zone %s, start %v", ev.TimeZone, ev.Sessions[0].Start)
	}
	_, warns = readWarn(t, formats.Pretalx, doc, formats.Options{Slug: "q", Base: ev})
	wantProblems(t, warns, "the event's, Europe/Berlin, is kept")
	// And a zone given over the document's own is a warning, not silence.
	_, warns = readWarn(t, formats.Pretalx, strings.Replace(doc, `"start": "2025-10-25"`, `"time_zone_name": "Europe/Berlin", "start": "2025-10-25"`, 1),
		formats.Options{Slug: "q", TimeZone: "Europe/Paris"})
	wantProblems(t, warns, "the document's time zone is Europe/Berlin; Europe/Paris, as given, is used instead")
}

// Ids are kept as the source writes them: guids that differ only in case are two
// sessions; ids that differ only in white space would collide, which is an error naming
// both.
func TestQuirkIDs(t *testing.T) {
	ev, warns := readWarn(t, formats.FrabXML, frabXML("Europe/Brussels",
		fxEvent("HOqe+NIb6/G7M4==", "10:00", "Upper", `<person id="7">Ann</person>`),
		fxEvent("hoqe+nib6/g7m4==", "11:00", "Lower", `<person id="7">Ann</person>`)), brussels)
	if len(ev.Sessions) != 2 || ev.Sessions[0].ID != "HOqe+NIb6/G7M4==" || ev.Sessions[1].ID != "hoqe+nib6/g7m4==" {
		t.Errorf("sessions %+v", ev.Sessions)
	}
	if len(warns) != 0 {
		t.Errorf("warnings %q", warns)
	}
	wantProblems(t, problems(t, formats.FrabXML, frabXML("Europe/Brussels",
		fxEvent("talk one", "10:00", "A", ""), fxEvent("talk-one", "11:00", "B", "")), brussels),
		`line 6 <event guid="talk-one"> <guid>: "talk one" and "talk-one" would both be session "talk-one"`)
}

// Problems in an XML document name its line, also those found after reading (a title
// too long, a session outside the event's days, an unknown room in the native sense).
func TestQuirkXMLLines(t *testing.T) {
	doc := frabXML("Europe/Brussels",
		fxEvent("g1", "10:00", "Fine", `<person id="7">Ann</person>`),
		fxEvent("g2", "11:00", strings.Repeat("x", 301), ""),
		strings.Replace(fxEvent("g3", "12:00", "Next year", ""), "2025-02-01T12", "2026-02-01T12", 1))
	wantProblems(t, problems(t, formats.FrabXML, doc, brussels),
		`line 6 <event guid="g2"> <title>: longer than 300 bytes`,
		`line 7 <event guid="g3"> <date>: on 2026-02-01, outside the event's dates`)
	wantProblems(t, problems(t, formats.FrabXML, "<schedule>\n<conference>\n<title>x</conference>", brussels), "line 3: malformed XML")
}

// A document with thousands of problems lists the first ones and counts the rest.
func TestQuirkThousandsOfProblems(t *testing.T) {
	var events []string
	for i := range 1200 {
		events = append(events, fxEvent(fmt.Sprintf("g%d", i), "10:00", "", ""))
	}
	_, _, err := formats.Read(formats.FrabXML, []byte(frabXML("Europe/Brussels", events...)), brussels)
	ve, ok := err.(*agenda.ValidationError)
	if !ok || len(ve.Problems) != 1200 {
		t.Fatalf("err = %v", err)
	}
	lines := agenda.Problems(ve.Problems).Lines("problem")
	if len(lines) != agenda.MaxShown+1 || lines[agenda.MaxShown] != "… and 1150 more problems" {
		t.Errorf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
	if msg := err.Error(); !strings.HasSuffix(msg, "; and 1150 more") || strings.Count(msg, "<title>: required") != agenda.MaxShown {
		t.Errorf("error text: %d bytes, ends %q", len(msg), msg[len(msg)-40:])
	}
}
