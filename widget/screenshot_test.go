package widget_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/confcal/confcal/internal/c3voc"
	"github.com/confcal/confcal/internal/formats"
)

// TestScreenshots renders the agenda, a speaker card, the speaker wall and the schedule
// with its subscribe panel in light and dark, and the agenda of a real two-room event
// (Chaos Communication Camp 2019, from the corpus) as a grid, as a list, with a session's
// details open, and on a phone, and <confcal-now>, on its first day with the clock in a talk,
// and the same agenda in Arabic (right to left). It writes them
// to docs/screenshots for the README:
//
//	CONFCAL_SCREENSHOTS=1 go test ./widget -run Screenshots
func TestScreenshots(t *testing.T) {
	if os.Getenv("CONFCAL_SCREENSHOTS") == "" {
		t.Skip("set CONFCAL_SCREENSHOTS=1 to write docs/screenshots")
	}
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	out := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, scheme := range []string{"light", "dark"} {
		tb := newTab(t)
		colorScheme(tb, scheme)
		visitor(tb, "America/New_York", "en_US")
		tb.open(site.URL + "/elements.html")
		tb.wait("agenda", shadowText("confcal-agenda")+`.includes("You’re Doing it All Wrong")`)
		// Two parallel talks starred: the schedule flags the overlap and offers the feed.
		star(tb, rust)
		star(tb, kernel)
		tb.wait("schedule panel", `document.querySelector("confcal-schedule").shadowRoot.querySelector("input[part=feed]")`)
		tb.wait("speakers", `document.querySelector("confcal-speakers").shadowRoot.querySelector("li")`)
		for name, sel := range map[string]string{"agenda": "confcal-agenda", "speaker": "confcal-speaker", "speakers": "confcal-speakers",
			"subscribe": "confcal-schedule"} {
			png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, name+"-"+scheme+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	shared := c3voc.Shared(t)
	data, err := os.ReadFile(filepath.Join(shared, "corpus", "frab-camp2019.json"))
	if err != nil {
		t.Fatal(err)
	}
	camp, _, err := formats.Read("", data, formats.Options{Slug: "camp"})
	if err != nil {
		t.Fatal(err)
	}
	svc = newService(t, camp)
	site = newHost(t, svc.URL, strictCSP, map[string]string{"EVENT": "camp"})
	berlin, _ := time.LoadLocation("Europe/Berlin")
	shoot := func(tb *tab, name string) {
		t.Helper()
		png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// agendaAt opens the camp agenda of a host page in a scheme and on a screen, on the
	// first day's clock in a talk, scrolled to the day on a phone.
	agendaAt := func(h *host, scheme, screen string) *tab {
		tb := newTab(t)
		colorScheme(tb, scheme)
		if screen == "phone" {
			phone(tb)
		}
		visitor(tb, "Europe/Berlin", "en_GB")
		clockAt(tb, time.Date(2019, 8, 21, 11, 15, 0, 0, berlin))
		tb.open(h.URL + "/agenda-only.html")
		tb.wait("agenda", agendaRoot()+`?.querySelector("li.live")`)
		if screen == "phone" {
			value[any](tb, `window.scrollTo(0, `+agendaRoot()+`.querySelector(".day").getBoundingClientRect().top + scrollY - 8)`)
		}
		return tb
	}
	details := func(tb *tab, name string) {
		value[any](tb, agendaRoot()+`.querySelector("li.live h5 a").click()`)
		tb.wait("details", agendaRoot()+`.querySelector("dialog[open]")`)
		shoot(tb, name)
	}
	// Right to left: the same agenda in Arabic.
	rtl := newHost(t, svc.URL, strictCSP, map[string]string{"EVENT": "camp", "ATTRS": ` locale="ar"`})
	for _, scheme := range []string{"light", "dark"} {
		tb := agendaAt(site, scheme, "phone")
		shoot(tb, "agenda-phone-"+scheme)
		// <confcal-now> on a sponsor's page, on the same clock.
		tb.open(site.URL + "/now.html")
		tb.wait("now", `document.querySelector("confcal-now").shadowRoot?.querySelector("li.live")`)
		shoot(tb, "now-phone-"+scheme)

		tb = agendaAt(site, scheme, "desktop")
		shoot(tb, "agenda-grid-"+scheme)
		value[any](tb, agendaRoot()+`.querySelector(".vw").click()`)
		tb.wait("list", agendaRoot()+`.querySelector(".list li.live")`)
		value[any](tb, `window.scrollTo(0, `+agendaRoot()+`.querySelector("li.live").getBoundingClientRect().top + scrollY - 140)`)
		shoot(tb, "agenda-list-"+scheme)
		details(tb, "agenda-details-"+scheme)
		value[any](tb, `localStorage.removeItem("confcal:view")`)

		shoot(agendaAt(rtl, scheme, "phone"), "agenda-ar-phone-"+scheme)
		tb = agendaAt(rtl, scheme, "desktop")
		shoot(tb, "agenda-ar-grid-"+scheme)
		details(tb, "agenda-ar-details-"+scheme)
	}
}
