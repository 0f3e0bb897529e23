package widget_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/confcal/confcal/internal/synth"
)

// The hosted page of a 2,000-session agenda is one day per page. Without script a visitor
// moves between days by the page's own links and reaches a session's page; with script the
// widget opens on that page's day and its day tabs replace the links.
func TestPagedAgendaWithAndWithoutScript(t *testing.T) {
	ev := synth.Event(synth.Options{Slug: "big", Sessions: 2000, Tracks: 16, Rooms: 16, Days: 5})
	svc := newService(t, ev)

	plain := newTab(t)
	if _, err := chromedp.Call(plain.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	plain.open(svc.URL + "/events/big")
	days := value[[]string](plain, `[...document.querySelectorAll("nav.days a")].map(a => a.href)`)
	if len(days) != 5 || !value[bool](plain, `getComputedStyle(document.querySelector("nav.days")).display !== "none"`) {
		t.Fatalf("without script the day links are %q, or hidden", days)
	}
	if value[bool](plain, `!!customElements.get("confcal-agenda")`) {
		t.Fatal("the widget ran with script disabled")
	}
	plain.do(chromedp.Click(`nav.days li:nth-child(3) a`))
	plain.wait("the third day", `location.href === "`+days[2]+`" && document.readyState === "complete"`)
	got := value[map[string]any](plain, `(() => { const c = document.querySelector('nav.days a[aria-current="page"]'), s = document.querySelectorAll("li.session"),
		h = document.querySelector("li.session h4 a")
		return {current: c && c.href, sessions: s.length, visible: h.getClientRects().length > 0, title: h.textContent, href: h.href} })()`)
	if got["current"] != days[2] || got["sessions"].(float64) < 300 || got["visible"] != true {
		t.Fatalf("the third day's page: %v", got)
	}
	plain.do(chromedp.Click(`li.session h4 a`))
	plain.wait("the session's page", `location.href === "`+got["href"].(string)+`" && document.readyState === "complete"`)
	if h1 := value[string](plain, `document.querySelector("h1").textContent`); h1 != got["title"] {
		t.Errorf("the session page's heading is %q, want %q", h1, got["title"])
	}
	plain.noErrors()

	tb := newTab(t)
	tb.open(days[2])
	tb.wait("agenda rendered", agendaRoot()+`?.querySelector('[role=tab][aria-selected=true]')`)
	date := days[2][strings.LastIndex(days[2], "/")+1:]
	sel := value[map[string]any](tb, `(() => { const r = `+agendaRoot()+`
		return {tab: r.querySelector('[role=tab][aria-selected=true]').id, nav: getComputedStyle(document.querySelector("nav.days")).display} })()`)
	if sel["tab"] != "tab-"+date || sel["nav"] != "none" {
		t.Errorf("with script on %s: %v, want the tab of %s and the links hidden", days[2], sel, date)
	}
	tb.noErrors()
}
