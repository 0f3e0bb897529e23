package formats_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

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
