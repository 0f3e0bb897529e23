package formats_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/formats"
)

// problems reads a document that must fail and returns every problem as "field: message".
func problems(t *testing.T, f formats.Format, doc string, o formats.Options) []string {
	t.Helper()
	ev, _, err := formats.Read(f, []byte(doc), o)
	var ve *agenda.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got event %v, error %v", ev != nil, err)
	}
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.String())
	}
	return out
}

func wantProblems(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d:\n  %s", len(got), len(want), strings.Join(got, "\n  "))
		return
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) {
			t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
		}
	}
}

const szDoc = `{"sessions": [
  {"id": "1", "title": "Ok", "startsAt": "2025-10-25T09:00:00", "endsAt": "2025-10-25T09:30:00", "speakers": ["a"], "categoryItems": [], "roomId": 1},
  {"id": 2, "title": "Twice at 02:30", "startsAt": "2025-10-26T02:30:00", "endsAt": "2025-10-26T03:30:00", "speakers": ["nobody"], "categoryItems": [], "roomId": 1},
  {"id": "3", "title": "", "startsAt": "25/10/2025 10:00", "endsAt": null, "speakers": [], "categoryItems": [], "roomId": 1}
], "speakers": [{"id": "a", "fullName": "Ada Moreau", "sessions": [1]}], "categories": [], "rooms": [{"id": 1, "name": "Hall"}], "questions": []}`

func TestSessionizeBadInput(t *testing.T) {
	berlin := formats.Options{Slug: "tls25", TimeZone: "Europe/Berlin"}
	wantProblems(t, problems(t, formats.Sessionize, szDoc, berlin),
		"sessions[1].startsAt: 2025-10-26 02:30 happens twice in Europe/Berlin",
		"sessions[2].startsAt: want a local time",
		"sessions[1].speakers[0]: unknown speaker \"nobody\"",
		"sessions[2].title: required",
	)
	wantProblems(t, problems(t, formats.Sessionize, szDoc, formats.Options{Slug: "tls25"}),
		"timeZone: a Sessionize export has no time zone", "sessions[1].speakers[0]", "sessions[2].title")
	wantProblems(t, problems(t, formats.Sessionize, strings.Replace(szDoc, `"categories": []`, `"categories": [{"id": 1, "title": "Level", "items": []}]`, 1),
		formats.Options{Slug: "tls25", TimeZone: "Europe/Berlin", TrackCategory: "Stream"}),
		`categories: no category titled "Stream" (the export has ["Level"])`, "startsAt", "startsAt", "speakers[0]", "title")
	wantProblems(t, problems(t, formats.Sessionize, "{\"sessions\": [\n  {\"id\": \"1\", \"title\": 5}]}", berlin),
		"line 2, column")
}

const pxDoc = `{"schedule": {"version": "1", "conference": {"title": "T", "start": "2025-10-25", "end": "2025-10-26",
  "time_zone_name": "Europe/Berlin", "rooms": [{"name": "Hall A"}], "tracks": [], "days": [
  {"index": 1, "date": "2025-10-25", "rooms": {"Hall A": [
    {"guid": "5c9b0f9e-8a52-5b8f-9a3c-0e2f7b1d4a61", "id": 1, "date": "2025-10-25T09:00:00+02:00", "start": "09:00", "duration": "00:45", "room": "Hall A", "title": "Fine", "type": "Talk", "persons": [{"code": "AAA", "public_name": "Ada"}]},
    {"guid": "", "id": "", "date": "tomorrow", "start": "10:00", "duration": "ninety", "room": "Hall A", "title": "Broken", "type": "Talk", "persons": [{"public_name": ""}]},
    {"guid": "6d9b0f9e-8a52-5b8f-9a3c-0e2f7b1d4a62", "id": 3, "start": "02:30", "duration": "00:30", "room": "Hall A", "title": "No date", "persons": []}
  ]}},
  {"index": 2, "date": "2025-10-26", "rooms": {"Hall A": [
    {"guid": "7d9b0f9e-8a52-5b8f-9a3c-0e2f7b1d4a63", "id": 4, "start": "02:30", "duration": "00:30", "room": "Hall A", "title": "Twice", "persons": []}
  ]}}]}}}`

func TestPretalxBadInput(t *testing.T) {
	at := `schedule.conference.days[0].rooms["Hall A"]`
	wantProblems(t, problems(t, formats.Pretalx, pxDoc, formats.Options{Slug: "tls25"}),
		at+`[1].guid: missing (and no id)`,
		at+`[1].date: want an ISO 8601 time with offset`,
		at+`[1].persons[0]: a person needs a name`,
		`schedule.conference.days[1].rooms["Hall A"][0].start: 2025-10-26 02:30 happens twice in Europe/Berlin`,
	)
	wantProblems(t, problems(t, formats.Pretalx, `{"version": 1}`, formats.Options{Slug: "x"}), "schedule: missing")
	wantProblems(t, problems(t, formats.Pretalx, "{\"schedule\": {\"conference\": {\"days\": [}}}", formats.Options{Slug: "x"}), "line 1, column")
}

const fxDoc = `<?xml version="1.0"?>
<schedule>
  <conference><title>T</title><start>2025-10-25</start><end>2025-10-25</end><time_zone_name>Europe/Berlin</time_zone_name></conference>
  <day index="1" date="2025-10-25">
    <room name="Hall A">
      <event guid="5c9b0f9e-8a52-5b8f-9a3c-0e2f7b1d4a61" id="1"><date>2025-10-25T09:00:00+02:00</date><duration>00:30</duration><title>Fine</title><persons><person code="AAA">Ada</person></persons></event>
      <event guid="6d9b0f9e-8a52-5b8f-9a3c-0e2f7b1d4a62" id="2"><date>2025-10-25T10:00:00+02:00</date><duration>-1:00</duration><title>Bad duration</title></event>
      <event guid="" id=""><date>later</date><duration>00:30</duration><title>No identity</title></event>
    </room>
  </day>
</schedule>`

func TestFrabXMLBadInput(t *testing.T) {
	wantProblems(t, problems(t, formats.FrabXML, fxDoc, formats.Options{Slug: "tls25"}),
		`line 7 <event guid="6d9b0f9e-8a52-5b8f-9a3c-0e2f7b1d4a62"> <duration>: want HH:MM`,
		`line 8 <event guid=""> <guid>: missing`,
		`line 8 <event guid=""> <date>: want an ISO 8601 time`,
	)
	wantProblems(t, problems(t, formats.FrabXML, "<schedule>\n<conference>\n<title>x</conference>", formats.Options{Slug: "x"}), "line 3: malformed XML")
	wantProblems(t, problems(t, formats.FrabXML, "<html><body>nope</body></html>", formats.Options{Slug: "x"}), "no <schedule> element")
}
