package formats_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/c3voc"
	"github.com/confcal/confcal/internal/formats"
	"github.com/confcal/confcal/internal/synth"
)

// confcal's frab export, read back by our own readers into the same event, is the same
// agenda: same ids (so the same UIDs), same times, speakers, tracks and text.
func TestFrabExportRoundTrip(t *testing.T) {
	base, err := bundled.Event()
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []*agenda.Event{base, mustRead(t, "pretalx-schedule-v1.json", formats.Options{Slug: "tls25"})} {
		s := formats.NewFrabSchedule(ev, 3, "https://confcal.example/events/"+ev.Slug)
		js, err := formats.EncodeFrabJSON(s)
		if err != nil {
			t.Fatal(err)
		}
		xml, err := formats.EncodeFrabXML(s)
		if err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]struct {
			f    formats.Format
			data []byte
		}{"json": {formats.Pretalx, js}, "xml": {formats.FrabXML, xml}} {
			if got, _ := formats.Detect(c.data); got != c.f {
				t.Errorf("%s %s: detected as %s", ev.Slug, name, got)
			}
			back, _, err := formats.Read(c.f, c.data, formats.Options{Slug: ev.Slug, Base: ev})
			if err != nil {
				t.Fatalf("%s %s: %v", ev.Slug, name, err)
			}
			if diff := cmp.Diff(ev, back, cmpopts.IgnoreUnexported(agenda.Event{})); diff != "" {
				t.Errorf("%s %s round trip differs (-exported +read back):\n%s", ev.Slug, name, diff)
			}
			a, _ := formats.EncodeNative(ev)
			b, _ := formats.EncodeNative(back)
			if !bytes.Equal(a, b) {
				t.Errorf("%s %s: native documents differ, so a re-import would make a revision", ev.Slug, name)
			}
		}
	}
}

func mustRead(t *testing.T, file string, o formats.Options) *agenda.Event {
	t.Helper()
	ev, _, err := formats.Read("", sample(t, file), o)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// The export passes the validators the frab/pretalx ecosystem checks against (the C3VOC
// schema and XSD), for the bundled event, a Sessionize and a pretalx import, a synthetic
// event with rooms and the hostile one; and the validators do refuse what apps choke on.
func TestFrabExportValidates(t *testing.T) {
	base, _ := bundled.Event()
	events := map[string]*agenda.Event{
		"bundled":    base,
		"sessionize": mustRead(t, "sessionize-all-v1.json", formats.Options{Slug: "tls25", TimeZone: "Europe/Berlin"}),
		"pretalx":    mustRead(t, "pretalx-schedule-v1.json", formats.Options{Slug: "tls25"}),
		"frab-xml":   mustRead(t, "frab-schedule-v1.xml", formats.Options{Slug: "tls25"}),
		"rooms":      synth.Event(synth.Options{Sessions: 40, Tracks: 4, Rooms: 3, Days: 2}),
		"hostile":    synth.Hostile(),
	}
	for name, ev := range events {
		t.Run(name, func(t *testing.T) {
			s := formats.NewFrabSchedule(ev, 1, "https://confcal.example/events/"+ev.Slug)
			js, _ := formats.EncodeFrabJSON(s)
			xml, _ := formats.EncodeFrabXML(s)
			if errs := c3voc.JSONErrors(t, js); len(errs) > 0 {
				t.Errorf("schedule.json: %d schema errors:\n%s", len(errs), strings.Join(errs[:min(len(errs), 20)], "\n"))
			}
			if errs := c3voc.XMLErrors(t, xml); len(errs) > 0 {
				t.Errorf("schedule.xml: %d XSD errors:\n%s", len(errs), strings.Join(errs[:min(len(errs), 20)], "\n"))
			}
		})
	}
	s := formats.NewFrabSchedule(base, 1, "https://confcal.example/events/"+base.Slug)
	js, _ := formats.EncodeFrabJSON(s)
	xml, _ := formats.EncodeFrabXML(s)
	if errs := c3voc.JSONErrors(t, bytes.Replace(js, []byte(`"duration": "00:30"`), []byte(`"duration": "30 minutes"`), 1)); len(errs) == 0 {
		t.Error("a bad duration passes the schema")
	}
	if errs := c3voc.XMLErrors(t, bytes.Replace(xml, []byte(`<person id="`), []byte(`<person code="x" id="`), 1)); len(errs) == 0 {
		t.Error("a person with a code attribute passes the XSD")
	}
}
