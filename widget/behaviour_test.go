package widget_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Stars are real buttons: reachable with Tab, toggled with Enter and Space, announced with
// aria-pressed, and the change is an event the host page can listen to.
func TestKeyboardStarAndEvents(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	tb := newTab(t)
	tb.open(site.URL + "/elements.html")
	tb.wait("agenda", agendaRoot()+`?.querySelector(".star")`)
	value[any](tb, `window.__events = []; document.addEventListener("confcal-star", (e) => window.__events.push(e.detail))`)
	btn := agendaRoot() + `.querySelector('[data-id="` + keynote + `"] .star')`
	value[any](tb, btn+`.focus()`)
	if !value[bool](tb, agendaRoot()+`.activeElement === `+btn) {
		t.Fatal("star button does not take focus")
	}
	if outline := value[string](tb, `getComputedStyle(`+btn+`).outlineStyle`); outline == "none" {
		t.Error("focused star has no visible outline")
	}
	tb.do(chromedp.KeyEvent("\r"))
	tb.wait("starred by Enter", btn+`.getAttribute("aria-pressed") === "true"`)
	tb.do(chromedp.KeyEvent(" "))
	tb.wait("unstarred by Space", btn+`.getAttribute("aria-pressed") === "false"`)
	events := value[[]map[string]any](tb, `window.__events`)
	if len(events) != 2 || events[0]["starred"] != true || events[1]["starred"] != false || events[0]["session"] != keynote {
		t.Errorf("confcal-star events at the document: %v", events)
	}
	// Tab moves through the filters to the first star.
	value[any](tb, agendaRoot()+`.querySelector("select").focus()`)
	for i := 0; i < 10 && !value[bool](tb, agendaRoot()+`.activeElement?.classList.contains("star")`); i++ {
		tb.do(chromedp.KeyEvent("\t"))
	}
	if !value[bool](tb, agendaRoot()+`.activeElement?.classList.contains("star")`) {
		t.Error("Tab does not reach the stars")
	}
}

// Theming: custom properties and ::part() from the host page's own stylesheet, and the
// theme attribute.
func TestTheming(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	tb := newTab(t)
	tb.open(site.URL + "/theme.html")
	tb.wait("agenda", agendaRoot()+`?.querySelector("h5")`)
	got := value[map[string]string](tb, `(() => {
		const r = document.querySelector("confcal-agenda").shadowRoot, d = document.getElementById("dark")
		return {
			link: getComputedStyle(r.querySelector("footer a, p.mu a")).color,
			title: getComputedStyle(r.querySelector("h5")).textTransform,
			radius: getComputedStyle(r.querySelector("li.s")).borderTopLeftRadius,
			darkBg: getComputedStyle(d).backgroundColor,
			lightBg: getComputedStyle(document.querySelector("confcal-agenda")).backgroundColor,
		}
	})()`)
	want := map[string]string{"link": "rgb(170, 0, 85)", "title": "uppercase", "radius": "0px",
		"darkBg": "rgb(22, 22, 26)", "lightBg": "rgb(255, 255, 255)"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// iOS in-app browsers cannot hand a calendar to the Calendar app: the panel says so.
func TestInAppBrowserHint(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	tb := newTab(t)
	ua := "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 300.0"
	if _, err := chromedp.Call(tb.ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua}); err != nil {
		t.Fatal(err)
	}
	tb.open(site.URL + "/elements.html")
	star(tb, keynote)
	openPanel(tb)
	if text := value[string](tb, agendaRoot()+`.querySelector("[part=panel]").textContent`); !strings.Contains(text, "open this page in Safari") {
		t.Errorf("no in-app browser hint: %q", text)
	}
}
