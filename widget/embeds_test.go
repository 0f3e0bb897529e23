package widget_test

import (
	"strings"
	"testing"
)

// The iframe pages report their height to the embedding page, which resizes them; the SVG
// card loads as an image.
func TestEmbedsResizeAndCardLoads(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, "", nil)
	tb := newTab(t)
	tb.open(site.URL + "/embeds.html")
	tb.wait("session iframe resized", `+document.getElementById("session").height > 150`)
	tb.wait("agenda iframe resized", `+document.getElementById("agenda").height > 600`)
	// The reported height is the page's own: no scrollbar left inside the frame.
	h := value[int](tb, `+document.getElementById("session").height`)
	if h > 1200 {
		t.Errorf("session iframe grew to %d px", h)
	}
	tb.wait("card decoded", `document.getElementById("card").complete`)
	if w := value[int](tb, `document.getElementById("card").naturalWidth`); w != 600 {
		t.Errorf("card.svg naturalWidth = %d, want 600", w)
	}
	if errs := tb.errors(); len(errs) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(errs, "\n"))
	}
}

// The hosted agenda is the server-rendered page, enhanced by the same widget: stars and
// the subscribe panel work there under the page's own strict CSP.
func TestHostedPageIsEnhanced(t *testing.T) {
	svc := newService(t)
	tb := newTab(t)
	tb.open(svc.URL + "/events/p99conf-24#session-" + kernel)
	tb.wait("agenda enhanced", agendaRoot()+`?.querySelector(".star")`)
	tb.wait("speaker wall enhanced", `document.querySelector("confcal-speakers").shadowRoot.querySelectorAll("li").length === 10`)
	// The page's h1 names the event; the agenda does not show it again, and its heading for
	// screen readers takes no room on screen.
	h2 := value[map[string]any](tb, `(() => { const e = `+agendaRoot()+`.querySelector("h2"), r = e.getBoundingClientRect(); return {text: e.textContent, w: r.width, h: r.height} })()`)
	if h2["text"] != "Agenda" || h2["w"].(float64) > 1 || h2["h"].(float64) > 1 {
		t.Errorf("the enhanced agenda's heading: %v", h2)
	}
	star(tb, keynote)
	feed := openPanel(tb)
	if !strings.HasPrefix(feed, svc.URL+"/feeds/") {
		t.Errorf("feed URL %q", feed)
	}
	// The #session- link scrolled its session into view.
	top := value[float64](tb, agendaRoot()+`.querySelector('[data-id="`+kernel+`"]').getBoundingClientRect().top`)
	if top < 0 || top > 900 {
		t.Errorf("linked session is at %v px, not in view", top)
	}
	if errs := tb.errors(); len(errs) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(errs, "\n"))
	}
}
