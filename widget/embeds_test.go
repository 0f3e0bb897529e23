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
	// The #session- link opened that session's details; closing them clears the fragment.
	tb.wait("details of the linked session", agendaRoot()+`.querySelector("dialog[open] h3")?.textContent === `+agendaRoot()+`.querySelector('[data-id="`+kernel+`"] h5').textContent`)
	value[any](tb, agendaRoot()+`.querySelector("dialog").close()`)
	tb.wait("fragment cleared with the details closed", `location.hash === ""`)
	star(tb, keynote)
	feed := openPanel(tb)
	if !strings.HasPrefix(feed, svc.URL+"/feeds/") {
		t.Errorf("feed URL %q", feed)
	}
	if errs := tb.errors(); len(errs) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(errs, "\n"))
	}
}

// Enhanced session and speaker pages keep their visible h1, and the element does not
// repeat it.
func TestHostedPagesKeepTheirHeading(t *testing.T) {
	svc := newService(t)
	tb := newTab(t)
	for path, el := range map[string]string{"/events/p99conf-24/sessions/" + keynote: "confcal-session", "/events/p99conf-24/speakers/andy-pavlo": "confcal-speaker"} {
		tb.open(svc.URL + path)
		tb.wait("enhanced", `document.querySelector("`+el+`").shadowRoot?.querySelector(".w")`)
		got := value[map[string]any](tb, `(() => { const h = document.querySelector("h1"), r = h.getBoundingClientRect(), s = document.querySelector("`+el+`").shadowRoot
			return {text: h.textContent, w: r.width, h: r.height, repeated: [...s.querySelectorAll("h1, h2, h3, h5")].some(x => x.textContent === h.textContent)} })()`)
		if got["w"].(float64) < 50 || got["h"].(float64) < 10 || got["repeated"] != false {
			t.Errorf("%s: h1 %v", path, got)
		}
	}
	tb.noErrors()
}

// An iframe embed asked for dark, Tokyo time and a locale runs the widget under its own
// CSP: times in that zone, the dark theme, and a visitor can star and subscribe there.
func TestEmbedTakesThemeZoneAndLocale(t *testing.T) {
	svc := newService(t)
	tb := newTab(t)
	colorScheme(tb, "light")
	tb.open(svc.URL + "/embed/p99conf-24/agenda?theme=dark&time-zone=Asia/Tokyo&locale=en-GB&view=list")
	tb.wait("widget in the frame page", agendaRoot()+`?.querySelector(".star")`)
	got := value[map[string]any](tb, `(() => { const a = document.querySelector("confcal-agenda"), r = a.shadowRoot
		return {bg: getComputedStyle(a).backgroundColor, page: getComputedStyle(document.body).backgroundColor,
			time: r.querySelector('[data-id="`+keynote+`"] .meta time')?.textContent,
			locale: a.getAttribute("locale")} })()`)
	if got["bg"] != "rgb(21, 21, 26)" || got["page"] != "rgb(21, 21, 26)" {
		t.Errorf("not dark on a light-scheme visitor: %v", got)
	}
	// The keynote is 08:30 PDT on Oct 23: 00:30 on Oct 24 in Tokyo, written the British way.
	if time, _ := got["time"].(string); !strings.HasPrefix(time, "0:30 – 1:00") {
		t.Errorf("keynote slot %q, want 0:30 – 1:00 Tokyo time", time)
	}
	// The zone is the embed's choice, named as such, not "your time zone".
	if zone := value[string](tb, agendaRoot()+`.querySelector("header .mu").textContent`); !strings.HasPrefix(zone, "Times in Japan Standard Time (GMT+9)") {
		t.Errorf("zone line %q", zone)
	}
	star(tb, keynote)
	if feed := openPanel(tb); !strings.HasPrefix(feed, svc.URL+"/feeds/") {
		t.Errorf("feed URL %q in the frame", feed)
	}
	tb.noErrors()
}
