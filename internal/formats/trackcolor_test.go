package formats_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/formats"
)

// Track colours come from pretalx's and frab's conference.tracks, as #rrggbb; a colour
// that is not one is dropped with a warning at its place; the native format keeps them
// and confcal's frab export writes them back.
func TestTrackColors(t *testing.T) {
	data := sample(t, "pretalx-schedule-v1.json")
	ev, _, err := formats.Read(formats.Pretalx, data, formats.Options{Slug: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	colors := map[string]string{}
	for _, tr := range ev.Tracks {
		colors[tr.Name] = tr.Color
	}
	if colors["Databases"] != "#5a31f4" || colors["Kernel & eBPF"] != "#00866b" {
		t.Errorf("track colours %v", colors)
	}

	bad := strings.Replace(string(data), `"color": "#00866b"`, `"color": "green"`, 1)
	bad = strings.Replace(bad, `"color": "#5a31f4"`, `"color": "#ABC"`, 1)
	ev, warns, err := formats.Read(formats.Pretalx, []byte(bad), formats.Options{Slug: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Tracks[0].Color != "#aabbcc" || ev.Tracks[1].Color != "" {
		t.Errorf("#ABC and green became %q and %q", ev.Tracks[0].Color, ev.Tracks[1].Color)
	}
	if !strings.Contains(strings.Join(warns.Lines("warning"), "\n"), `schedule.conference.tracks[1].color: "green" is not a #rrggbb colour`) {
		t.Errorf("warnings %v", warns)
	}

	doc, err := formats.EncodeNative(ev)
	if err != nil {
		t.Fatal(err)
	}
	back, err := formats.DecodeNative(doc, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if back.Tracks[0].Color != "#aabbcc" {
		t.Errorf("native round trip lost the colour: %+v", back.Tracks[0])
	}
	var frab struct {
		Schedule struct {
			Conference struct {
				Tracks []formats.FrabTrack `json:"tracks"`
			} `json:"conference"`
		} `json:"schedule"`
	}
	out, err := formats.EncodeFrabJSON(formats.NewFrabSchedule(back, 1, "https://example.org/events/demo"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &frab); err != nil || frab.Schedule.Conference.Tracks[0].Color != "#aabbcc" {
		t.Errorf("frab export tracks %+v (%v)", frab.Schedule.Conference.Tracks, err)
	}

	// The native format is strict: a colour that is not one names its field.
	back.Tracks[1].Color = "rebeccapurple"
	if err := agenda.Validate(back); err == nil || !strings.Contains(err.Error(), "tracks[1].color") {
		t.Errorf("native colour check: %v", err)
	}
}
