package widget_test

import (
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/synth"
)

// The widget on the worst host page we could write: strict CSP, a CSS reset of
// everything, a huge root font, an AMD define, Prototype-style patched built-ins, a <base
// href> to another site, and the script included twice.
func TestHostileHostPage(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	tb := newTab(t)
	tb.open(site.URL + "/hostile.html")
	tb.wait("agenda", shadowText("confcal-agenda")+`.includes("You’re Doing it All Wrong")`)
	tb.wait("speaker card", shadowText("confcal-speaker")+`.includes("Andy Pavlo")`)

	// Visible and laid out in spite of the reset: the host box is a block with a size,
	// its font size is the widget's own, not the page's 48px or 3px.
	box := value[map[string]any](tb, `(() => {
		const el = document.querySelector("confcal-agenda"), cs = getComputedStyle(el)
		const r = el.getBoundingClientRect()
		const title = el.shadowRoot.querySelector("h5"), ts = getComputedStyle(title)
		return {display: cs.display, visibility: cs.visibility, fontSize: cs.fontSize, width: r.width, height: r.height,
			titleDisplay: ts.display, transform: ts.textTransform, titleColor: ts.color, bg: cs.backgroundColor,
			radius: getComputedStyle(el.shadowRoot.querySelector("li.s")).borderTopLeftRadius}
	})()`)
	if box["display"] != "block" || box["visibility"] != "visible" || box["fontSize"] != "16px" {
		t.Errorf("host box styles leaked in: %v", box)
	}
	if w, _ := box["width"].(float64); w < 300 {
		t.Errorf("agenda is %v px wide", box["width"])
	}
	if h, _ := box["height"].(float64); h < 300 {
		t.Errorf("agenda is %v px high", box["height"])
	}
	// The page's own --bg, --fg, … on every element do not reach the widget's colours.
	if box["bg"] != "rgb(255, 255, 255)" || box["titleColor"] != "rgb(27, 27, 31)" || box["radius"] != "8px" {
		t.Errorf("the page's custom properties reached the widget: %v", box)
	}
	// (display none or inline would be the page's reset and its "h4 … {display: none}").
	if d := box["titleDisplay"]; d == "none" || d == "inline" || box["transform"] != "none" {
		t.Errorf("page rules reached inside the shadow root: %v", box)
	}

	// Starring works: the request body survives the patched toJSON, and the API origin
	// came from the script's src, not from <base href>.
	star(tb, keynote)
	tb.wait("schedule saved", `(localStorage.getItem("confcal:v1") || "").includes("`+keynote+`")`)
	if saved := value[string](tb, `localStorage.getItem("confcal:v1")`); !strings.HasPrefix(saved, svc.URL+" "+bundled.Slug+" ") {
		t.Errorf("saved schedule %q is not keyed by the API origin", saved)
	}
	// Nothing inside the shadow roots carries a <style> tag or a style attribute, and the
	// page's own custom element is untouched.
	if n := value[int](tb, `[...document.querySelectorAll("confcal-agenda, confcal-schedule, confcal-speaker")].reduce((n, el) => n + el.shadowRoot.querySelectorAll("style, [style]").length, 0)`); n != 0 {
		t.Errorf("%d style tags or attributes in the shadow roots", n)
	}
	if !value[bool](tb, `!!customElements.get("x-host-widget")`) {
		t.Error("the host's own custom element is gone")
	}
	// Every request the widget made went to the API origin; none went to <base href>.
	for _, u := range value[[]string](tb, `performance.getEntriesByType("resource").map(r => r.name)`) {
		if !strings.HasPrefix(u, svc.URL+"/") && !strings.HasPrefix(u, site.URL+"/") {
			t.Errorf("request to %s", u)
		}
	}
	// The widget added nothing to the page's window.
	if added := value[[]string](tb, `(() => { const before = new Set(window.hostGlobals); return Object.getOwnPropertyNames(window).filter((n) => !before.has(n) && n !== "hostGlobals") })()`); len(added) > 0 {
		t.Errorf("the widget left globals on the page: %q", added)
	}
	// The second copy of the script defined nothing twice (that would throw).
	if errs := tb.errors(); len(errs) > 0 {
		t.Errorf("console errors or CSP violations:\n%s", strings.Join(errs, "\n"))
	}
	if n := value[int](tb, `document.querySelectorAll("confcal-agenda").length`); n != 1 {
		t.Errorf("%d agendas", n)
	}
}

// Agenda text is never markup: a title that would run script renders as text.
func TestHostileTextRendersAsText(t *testing.T) {
	ev := synth.Hostile()
	svc := newService(t, ev)
	site := newHost(t, svc.URL, strictCSP, map[string]string{"EVENT": ev.Slug, "SESSION": "xss", "SPEAKER": "eve", "SPEAKER2": "eve"})
	tb := newTab(t)
	value[any](tb, `0`)
	tb.open(site.URL + "/elements.html")
	tb.wait("agenda", shadowText("confcal-agenda")+`.includes("onerror=alert(1)")`)
	tb.wait("session card", shadowText("confcal-session")+`.includes("onerror=alert(1)")`)
	tb.wait("speaker", shadowText("confcal-speaker")+`.includes("O'Hacker")`)
	for _, sel := range []string{"confcal-agenda", "confcal-session", "confcal-speaker", "confcal-speakers", "confcal-schedule"} {
		n := value[int](tb, `document.querySelector("`+sel+`").shadowRoot.querySelectorAll("img:not([part]), script, b, i").length`)
		if n != 0 {
			t.Errorf("%s: agenda text became %d elements", sel, n)
		}
	}
	title := value[string](tb, agendaRoot()+`.querySelector('[data-id="xss"] h5').textContent`)
	if title != synth.HostileTitle {
		t.Errorf("title = %q, want %q", title, synth.HostileTitle)
	}
	// A speaker link whose URL is not http(s) would be text; this one is https and stays
	// a link with its text as text.
	if fired := value[bool](tb, `!!window.__xss`); fired {
		t.Error("script from agenda data ran")
	}
	if errs := tb.errors(); len(errs) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(errs, "\n"))
	}
}

// A page that sends Cross-Origin-Embedder-Policy: require-corp loads only resources that
// allow it: widget.js, the API and the SVG card all do, so the widget renders there.
func TestCrossOriginIsolatedHostPage(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strings.Replace(strictCSP, "img-src 'self'", "img-src 'self' {{API}}", 1), nil)
	tb := newTab(t)
	tb.open(site.URL + "/isolated.html")
	if !value[bool](tb, `window.crossOriginIsolated`) {
		t.Fatal("the page is not cross-origin isolated: the test proves nothing")
	}
	tb.wait("agenda", shadowText("confcal-agenda")+`.includes("You’re Doing it All Wrong")`)
	tb.wait("speaker card", shadowText("confcal-speaker")+`.includes("Andy Pavlo")`)
	tb.wait("SVG card", `document.getElementById("card").complete`)
	if w := value[int](tb, `document.getElementById("card").naturalWidth`); w != 600 {
		t.Errorf("card.svg blocked on the isolated page (naturalWidth %d)", w)
	}
	tb.noErrors()
}
