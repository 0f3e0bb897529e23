package formats_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/formats"
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
			if got := formats.Detect(c.data); got != c.f {
				t.Errorf("%s %s: detected as %s", ev.Slug, name, got)
			}
			back, err := formats.Read(c.f, c.data, formats.Options{Slug: ev.Slug, Base: ev})
			if err != nil {
				t.Fatalf("%s %s: %v", ev.Slug, name, err)
			}
			if diff := cmp.Diff(ev, back); diff != "" {
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
	ev, err := formats.Read("", sample(t, file), o)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// The export has the shape schedule apps read (testdata/frab-schedule.schema.json, with
// formats asserted), and so do the pretalx samples, which keeps the schema honest.
func TestFrabExportShape(t *testing.T) {
	f, err := os.Open("testdata/frab-schedule.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const id = "https://confcal.dev/schema/frab-schedule-shape.json"
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := bundled.Event()
	js, _ := formats.EncodeFrabJSON(formats.NewFrabSchedule(base, 1, "https://confcal.example/events/"+base.Slug))
	for name, data := range map[string][]byte{"export": js, "pretalx sample": sample(t, "pretalx-schedule-v1.json")} {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s does not have the schedule shape: %v", name, err)
		}
	}
	// And the schema does refuse what apps would choke on.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(strings.Replace(string(js), `"duration": "00:30"`, `"duration": "30 minutes"`, 1)))
	if sch.Validate(bad) == nil {
		t.Error("a bad duration passes the schema")
	}
}
