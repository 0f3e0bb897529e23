package handlers_test

import (
	"mime"
	"net/http"
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/synth"
)

// The hosted page is readable without JavaScript: days, times in the event's zone, tracks,
// speakers with and without sessions, abstracts, add-to-calendar links and feed links.
func TestAgendaPage(t *testing.T) {
	e := newEnv(t)
	w := e.do("GET", "/events/p99conf-24", "")
	want(t, w, http.StatusOK)
	page := w.Body.String()
	for _, s := range []string{
		"Wednesday, October 23", "Thursday, October 24", "Sessions for this day will be announced soon.",
		`<time datetime="2024-10-23T08:30:00-07:00">08:30</time>`, "PDT (America/Los_Angeles)",
		"You’re Doing it All Wrong", "Michael Stonebraker", "Postgres creator and MIT Professor",
		"Liz Rice", "Session to be announced.", "eBPF, io_uring, kernel",
		"Register for your free ticket", `href="https://www.p99conf.io/"`,
		`href="` + base + `/events/p99conf-24/sessions/wenger-rust-io-uring-ktls.ics"`,
		`href="https://calendar.google.com/calendar/render?action=TEMPLATE`,
		`href="https://outlook.live.com/calendar/0/action/compose?`,
		`href="webcal://confcal.test/events/p99conf-24/calendar.ics"`,
		`href="` + base + `/events/p99conf-24/tracks/kernel.ics"`,
		"fluke is written from the ground up",
	} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if strings.Contains(page, "ZgotmplZ") {
		t.Error("a link was blanked by the template's URL filter")
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	css := e.do("GET", "/assets/agenda.css", "")
	want(t, css, http.StatusOK)
	if !strings.HasPrefix(css.Header().Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet Content-Type = %q", css.Header().Get("Content-Type"))
	}
}

// Agenda text never becomes markup on the page.
func TestAgendaPageEscapesText(t *testing.T) {
	ev, _ := bundled.Event()
	e := newEnv(t, ev, synth.Hostile())
	w := e.do("GET", "/events/hostile", "")
	want(t, w, http.StatusOK)
	page := w.Body.String()
	for _, bad := range []string{"<img src=x", "<script>alert", "<b>bold</b>", "<i>site</i>", `"<script>"`} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds raw %q", bad)
		}
	}
	if !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the hostile title is not shown as text")
	}
	if n := strings.Count(page, "<script"); n != 1 || !strings.Contains(page, `<script src="/widget/`) {
		t.Errorf("page has %d script elements; want only the widget's", n)
	}
	index := e.do("GET", "/", "").Body.String()
	if strings.Contains(index, "<script>alert") || !strings.Contains(index, "Hostile &lt;script&gt;") {
		t.Error("the index page does not escape event names")
	}
}

func TestFeedRoutes(t *testing.T) {
	e := newEnv(t)
	w := e.do("GET", "/events/p99conf-24/sessions/wenger-rust-io-uring-ktls.ics", "")
	want(t, w, http.StatusOK)
	if kind, params, err := mime.ParseMediaType(w.Header().Get("Content-Disposition")); err != nil || kind != "attachment" || params["filename"] != "wenger-rust-io-uring-ktls.ics" {
		t.Errorf("Content-Disposition = %q", w.Header().Get("Content-Disposition"))
	}
	if n := strings.Count(w.Body.String(), "BEGIN:VEVENT"); n != 1 {
		t.Errorf("session download holds %d events", n)
	}
	counts := map[string]int{
		"/events/p99conf-24/calendar.ics":                                3,
		"/events/p99conf-24/calendar.ics?track=kernel,languages":         2,
		"/events/p99conf-24/calendar.ics?day=2024-10-24":                 0,
		"/events/p99conf-24/calendar.ics?track=databases&day=2024-10-23": 1,
		"/events/p99conf-24/tracks/kernel.ics":                           1,
	}
	for path, n := range counts {
		w := e.do("GET", path, "")
		want(t, w, http.StatusOK)
		if got := strings.Count(w.Body.String(), "BEGIN:VEVENT"); got != n {
			t.Errorf("%s: %d events, want %d", path, got, n)
		}
		if !strings.Contains(w.Body.String(), "TRANSP:TRANSPARENT") && n > 0 {
			t.Errorf("%s: event feed sessions are not TRANSPARENT", path)
		}
	}
	want(t, e.do("GET", "/events/p99conf-24/calendar.ics?day=23-10-2024", ""), http.StatusBadRequest)
	want(t, e.do("GET", "/events/p99conf-24/calendar.ics?day=2024-11-01", ""), http.StatusNotFound)
	want(t, e.do("GET", "/events/p99conf-24/calendar.ics?track=kernel,nope", ""), http.StatusNotFound)
}

// The registration button says what the organizer wrote, as text, or "Register".
func TestRegistrationLabel(t *testing.T) {
	plain, _ := bundled.Event()
	plain.Slug, plain.RegistrationLabel = "plain", ""
	odd, _ := bundled.Event()
	odd.Slug, odd.RegistrationLabel = "odd", `<b>Tickets</b> & "more"`
	e := newEnv(t, plain, odd)
	for slug, want := range map[string]string{
		"plain": `<a class="button" href="https://www.p99conf.io/">Register</a>`,
		"odd":   `<a class="button" href="https://www.p99conf.io/">&lt;b&gt;Tickets&lt;/b&gt; &amp; &#34;more&#34;</a>`,
	} {
		if page := e.do("GET", "/events/"+slug, "").Body.String(); !strings.Contains(page, want) {
			t.Errorf("%s: page lacks %s", slug, want)
		}
	}
}
