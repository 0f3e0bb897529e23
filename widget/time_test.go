package widget_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/confcal/confcal/internal/agenda"
)

// visitor makes the tab's browser live in a time zone and locale.
func visitor(tb *tab, zone, locale string) {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
		tb.t.Fatal(err)
	}
	if _, err := chromedp.Call(tb.ctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: locale}); err != nil {
		tb.t.Fatal(err)
	}
}

// slots are the list view's time-slot headings of every day, "datetime text", read day
// tab by day tab.
func slots(tb *tab) []string {
	return value[[]string](tb, `(() => {
		const r = `+agendaRoot()+`, tabs = [...r.querySelectorAll("[role=tab]")], out = []
		const read = () => out.push(...[...r.querySelectorAll(".list h4")].map(h => h.querySelector("time").getAttribute("datetime") + " " + h.textContent))
		if (!tabs.length) read()
		for (const t of tabs) { t.click(); read() }
		tabs[0]?.click()
		return out
	})()`)
}

func TestAgendaTimesInVisitorsZone(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, map[string]string{"ATTRS": ` view="list"`})
	for _, c := range []struct {
		zone, locale, name string
		want               []string
	}{
		// The keynote is 08:30 PDT, the two parallel talks 10:00 PDT, on Oct 23 2024.
		{"America/Los_Angeles", "en_US", "Pacific Daylight Time",
			[]string{"2024-10-23T15:30:00.000Z 8:30 AM – 9:00 AM PDT", "2024-10-23T17:00:00.000Z 10:00 AM – 10:25 AM PDT"}},
		// A half-hour zone: 21:00 and 22:30 the same evening.
		{"Asia/Kolkata", "en_GB", "India Standard Time",
			[]string{"2024-10-23T15:30:00.000Z 21:00 – 21:30 GMT+5:30", "2024-10-23T17:00:00.000Z 22:30 – 22:55 GMT+5:30"}},
	} {
		t.Run(c.zone, func(t *testing.T) {
			tb := newTab(t)
			visitor(tb, c.zone, c.locale)
			tb.open(site.URL + "/elements.html")
			tb.wait("agenda", agendaRoot()+`?.querySelector(".list h4")`)
			if got := slots(tb); !slices.Equal(got, c.want) {
				t.Errorf("slots = %q, want %q", got, c.want)
			}
			zoneLine := value[string](tb, agendaRoot()+`.querySelector("header .mu").textContent`)
			if !strings.Contains(zoneLine, c.name) {
				t.Errorf("zone not named: %q", zoneLine)
			}
			// The toggle shows the event's own zone.
			value[any](tb, agendaRoot()+`.querySelector("header button").click()`)
			tb.wait("event time", agendaRoot()+`.querySelector("header button").getAttribute("aria-pressed") === "true"`)
			want := c.want
			if c.zone != "America/Los_Angeles" {
				want = []string{"2024-10-23T15:30:00.000Z 8:30 – 9:00 GMT-7", "2024-10-23T17:00:00.000Z 10:00 – 10:25 GMT-7"}
			}
			if got := slots(tb); !slices.Equal(got, want) {
				t.Errorf("event-time slots = %q, want %q", got, want)
			}
		})
	}
}

// A Berlin event across the end of summer time (Oct 27 2024), seen from New York, where
// summer time ends a week later: the offset between them changes from 6 to 5 hours.
func TestAgendaAcrossDSTChange(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ev := &agenda.Event{Slug: "dst", Name: "DST Conf", TimeZone: "Europe/Berlin", StartDate: "2024-10-26", EndDate: "2024-10-27",
		Tracks: []agenda.Track{{ID: "main", Name: "Main"}}}
	for i, day := range []int{26, 27} {
		start := time.Date(2024, 10, day, 10, 0, 0, 0, berlin)
		ev.Sessions = append(ev.Sessions, agenda.Session{ID: []string{"sat", "sun"}[i], Title: "Talk " + start.Weekday().String(),
			TrackID: "main", Start: start, End: start.Add(time.Hour)})
	}
	agenda.Normalize(ev)
	svc := newService(t, ev)
	site := newHost(t, svc.URL, strictCSP, map[string]string{"EVENT": "dst", "SESSION": "sat", "SPEAKER": "none", "SPEAKER2": "none", "ATTRS": ` view="list"`})
	tb := newTab(t)
	visitor(tb, "America/New_York", "en_GB")
	tb.open(site.URL + "/elements.html")
	tb.wait("agenda", agendaRoot()+`?.querySelector(".list h4")`)
	want := []string{"2024-10-26T08:00:00.000Z 4:00 – 5:00 GMT-4", "2024-10-27T09:00:00.000Z 5:00 – 6:00 GMT-4"}
	if got := slots(tb); !slices.Equal(got, want) {
		t.Errorf("New York slots = %q, want %q", got, want)
	}
	value[any](tb, agendaRoot()+`.querySelector("header button").click()`)
	tb.wait("event time", agendaRoot()+`.querySelector("header button").getAttribute("aria-pressed") === "true"`)
	want = []string{"2024-10-26T08:00:00.000Z 10:00 – 11:00 CEST", "2024-10-27T09:00:00.000Z 10:00 – 11:00 CET"}
	if got := slots(tb); !slices.Equal(got, want) {
		t.Errorf("Berlin slots = %q, want %q", got, want)
	}
}
