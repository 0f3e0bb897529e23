package formats_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/formats"
)

func sample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestReadSamples(t *testing.T) {
	for _, c := range []struct {
		file     string
		format   formats.Format
		opts     formats.Options
		sessions int
		speakers int
		tracks   int
	}{
		{"sessionize-all-v1.json", formats.Sessionize, formats.Options{Slug: "tls25", TimeZone: "Europe/Berlin"}, 68, 62, 4},
		{"pretalx-schedule-v1.json", formats.Pretalx, formats.Options{Slug: "tls25"}, 60, 58, 4},
		{"frab-schedule-v1.xml", formats.FrabXML, formats.Options{Slug: "tls25"}, 60, 58, 4},
	} {
		t.Run(c.file, func(t *testing.T) {
			data := sample(t, c.file)
			if got, _ := formats.Detect(data); got != c.format {
				t.Errorf("Detect = %s, want %s", got, c.format)
			}
			ev, _, err := formats.Read("", data, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Sessions) != c.sessions || len(ev.Speakers) != c.speakers || len(ev.Tracks) != c.tracks {
				t.Errorf("%d sessions, %d speakers, %d tracks; want %d, %d, %d", len(ev.Sessions), len(ev.Speakers), len(ev.Tracks), c.sessions, c.speakers, c.tracks)
			}
			if ev.TimeZone != "Europe/Berlin" || ev.StartDate != "2025-10-25" || ev.EndDate != "2025-10-26" {
				t.Errorf("zone %s, dates %s–%s", ev.TimeZone, ev.StartDate, ev.EndDate)
			}
			kinds := map[agenda.Kind]int{}
			for _, s := range ev.Sessions {
				kinds[s.Kind]++
			}
			t.Logf("%s: %v", ev.Name, kinds)
		})
	}
}
