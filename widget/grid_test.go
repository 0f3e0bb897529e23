package widget_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/confcal/confcal/internal/agenda"
)

// gridEvent is two days in three Brussels rooms: sessions of different lengths side by
// side, one room with two short talks beside one long one, and a second day.
func gridEvent() *agenda.Event {
	bxl, _ := time.LoadLocation("Europe/Brussels")
	at := func(day, h, m int) time.Time { return time.Date(2025, 2, day, h, m, 0, 0, bxl) }
	ev := &agenda.Event{Slug: "grid", Name: "Grid Conf", TimeZone: "Europe/Brussels", StartDate: "2025-02-01", EndDate: "2025-02-02",
		JoinURL:  "https://example.org/live",
		Tracks:   []agenda.Track{{ID: "go", Name: "Go", Color: "#123456"}, {ID: "rust", Name: "Rust"}},
		Rooms:    []agenda.Room{{ID: "janson", Name: "Janson"}, {ID: "k1", Name: "K.1.105"}, {ID: "h2", Name: "H.2215"}},
		Speakers: []agenda.Speaker{{ID: "ada", Name: "Ada Lovelace", Title: "Analyst"}, {ID: "bob", Name: "Bob Builder"}},
	}
	add := func(id, room, track string, start time.Time, minutes int, speakers ...string) {
		ev.Sessions = append(ev.Sessions, agenda.Session{ID: id, Title: "Talk " + id, Abstract: "About " + id + ".\n\nSecond paragraph.",
			RoomID: room, TrackID: track, SpeakerIDs: speakers, Start: start, End: start.Add(time.Duration(minutes) * time.Minute)})
	}
	add("long", "janson", "go", at(1, 9, 0), 50, "ada")
	add("short1", "k1", "rust", at(1, 9, 0), 25, "bob")
	add("short2", "k1", "rust", at(1, 9, 30), 25)
	add("late", "h2", "go", at(1, 10, 0), 60, "ada", "bob")
	add("sunday", "janson", "go", at(2, 10, 0), 30)
	add("sunday2", "k1", "rust", at(2, 10, 0), 30)
	agenda.Normalize(ev)
	return ev
}

// gridTab serves gridEvent to a host page under the strict CSP and opens a tab.
func gridTab(t *testing.T) (*service, *host, *tab) {
	ev := gridEvent()
	svc := newService(t, ev)
	return svc, newHost(t, svc.URL, strictCSP, map[string]string{"EVENT": ev.Slug}), newTab(t)
}

// clockAt makes the page's clock read t from its first script on (the widget reads
// Date.now only).
func clockAt(tb *tab, t time.Time) {
	tb.t.Helper()
	src := fmt.Sprintf(`(() => { const off = %d - Date.now(), now = Date.now; Date.now = () => now() + off })()`, t.UnixMilli())
	if _, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
		tb.t.Fatal(err)
	}
}

// phone makes the tab a 375 px wide touch screen.
func phone(tb *tab) {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: 375, Height: 800, DeviceScaleFactor: 2, Mobile: true}); err != nil {
		tb.t.Fatal(err)
	}
}

type box struct{ Top, Bottom, Left, Right float64 }

func rect(tb *tab, id string) box {
	tb.t.Helper()
	return value[box](tb, `(() => { const r = `+agendaRoot()+`.querySelector('[data-id="`+id+`"]').getBoundingClientRect(); return {Top: r.top, Bottom: r.bottom, Left: r.left, Right: r.right} })()`)
}

// The grid: rooms as columns in the agenda's order, sessions placed by time and spanning
// their length, a sticky column header, day tabs by click and by keyboard, and the room
// filter taking its column out.
func TestAgendaGrid(t *testing.T) {
	_, site, tb := gridTab(t)
	visitor(tb, "Europe/Brussels", "en_GB")
	tb.open(site.URL + "/agenda-only.html")
	tb.wait("grid", agendaRoot()+`?.querySelectorAll(".g li.s").length === 4`)
	cols := value[[]string](tb, `[...`+agendaRoot()+`.querySelectorAll(".col .ch")].map(h => h.textContent)`)
	if strings.Join(cols, "|") != "Janson|K.1.105|H.2215" {
		t.Errorf("columns %q", cols)
	}
	long, s1, s2, late := rect(tb, "long"), rect(tb, "short1"), rect(tb, "short2"), rect(tb, "late")
	if d := long.Top - s1.Top; d < -1 || d > 1 {
		t.Errorf("parallel 09:00 sessions start at %v and %v px", long.Top, s1.Top)
	}
	if !(long.Right <= s1.Left && s1.Right <= late.Left) {
		t.Errorf("columns out of order: %v %v %v", long, s1, late)
	}
	// 09:00–09:50 spans both short talks of the next room (09:00–09:25, 09:30–09:55) and ends
	// before the 10:00 session starts.
	if !(s2.Top > s1.Bottom && long.Bottom > s2.Top && long.Bottom <= s2.Bottom+1 && late.Top > long.Bottom) {
		t.Errorf("rows do not follow time: long %v, short1 %v, short2 %v, late %v", long, s1, s2, late)
	}
	if meta := value[string](tb, agendaRoot()+`.querySelector('[data-id="long"] .meta').textContent`); meta != "9:00 – 9:50Go" {
		t.Errorf("grid block meta %q, want its times and track", meta)
	}
	// Track colours: the agenda's own for Go, the palette's second for Rust.
	stripes := value[[]string](tb, `["long", "short1"].map(id => getComputedStyle(`+agendaRoot()+`.querySelector('[data-id="' + id + '"]')).borderLeftColor)`)
	if stripes[0] != "rgb(18, 52, 86)" || stripes[1] != "rgb(179, 38, 30)" {
		t.Errorf("track stripes %q", stripes)
	}
	if n := value[int](tb, agendaRoot()+`.querySelectorAll(".tc h4 time").length`); n != 3 {
		t.Errorf("%d time labels, want one per start time (09:00, 09:30, 10:00)", n)
	}

	// The column headers stay in view when the grid scrolls.
	value[any](tb, agendaRoot()+`.querySelector(".gw").classList.add("probe")`)
	value[any](tb, `(() => { const w = `+agendaRoot()+`.querySelector(".gw"); w.style.maxHeight = "150px"; w.scrollTop = 120 })()`)
	head := value[float64](tb, `(() => { const r = `+agendaRoot()+`, w = r.querySelector(".gw").getBoundingClientRect(), h = r.querySelector(".col .ch").getBoundingClientRect(); return h.top - w.top })()`)
	if head < -1 || head > 2 {
		t.Errorf("column header is %v px from the grid's top after scrolling", head)
	}
	value[any](tb, agendaRoot()+`.querySelector(".gw").removeAttribute("style")`)

	// Day tabs: the second day by click, back by the arrow key, focus following.
	tabs := value[[]string](tb, `[...`+agendaRoot()+`.querySelectorAll("[role=tab]")].map(b => b.textContent + "=" + b.getAttribute("aria-selected"))`)
	if strings.Join(tabs, "|") != "Sat 1 Feb=true|Sun 2 Feb=false" {
		t.Errorf("day tabs %q", tabs)
	}
	value[any](tb, agendaRoot()+`.querySelectorAll("[role=tab]")[1].click()`)
	tb.wait("second day", agendaRoot()+`.querySelectorAll(".g li.s").length === 2 && `+agendaRoot()+`.querySelector('[data-id="sunday"]')`)
	value[any](tb, agendaRoot()+`.querySelector("[role=tab][aria-selected=true]").dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowLeft", bubbles: true}))`)
	tb.wait("first day by keyboard", agendaRoot()+`.querySelector('[data-id="long"]') && `+agendaRoot()+`.activeElement?.getAttribute("aria-selected") === "true"`)

	// The room filter takes the other columns out; the tabs count what matches per day.
	value[any](tb, `(() => { const s = [...`+agendaRoot()+`.querySelectorAll("select")].find((s) => s.options[0].text === "All rooms"); s.value = "k1"; s.dispatchEvent(new Event("change")) })()`)
	cols = value[[]string](tb, `[...`+agendaRoot()+`.querySelectorAll(".col:not([hidden]) .ch")].map(h => h.textContent)`)
	if strings.Join(cols, "|") != "K.1.105" {
		t.Errorf("columns with the room filter %q", cols)
	}
	if l := rect(tb, "short1").Left; l > 200 {
		t.Errorf("the one room left is at %v px, not next to the time axis", l)
	}
	tabs = value[[]string](tb, `[...`+agendaRoot()+`.querySelectorAll("[role=tab]")].map(b => b.textContent)`)
	if strings.Join(tabs, "|") != "Sat 1 Feb (2)|Sun 2 Feb (1)" {
		t.Errorf("day tabs with the room filter %q", tabs)
	}
	tb.noErrors()
}

// The default view follows the width, the visitor's choice overrides it and is kept, and
// the list keeps its slot headings in view while the page scrolls.
func TestAgendaViewChoice(t *testing.T) {
	_, site, tb := gridTab(t)
	phone(tb)
	visitor(tb, "Europe/Brussels", "en_GB")
	tb.open(site.URL + "/agenda-only.html")
	tb.wait("list on a phone", agendaRoot()+`?.querySelector(".list li.s")`)
	slots := value[[]string](tb, `[...`+agendaRoot()+`.querySelectorAll(".list h4")].map(h => h.textContent)`)
	if strings.Join(slots, "|") != "9:00 CET|9:30 – 9:55 CET|10:00 – 11:00 CET" {
		t.Errorf("list slots %q", slots)
	}
	if w := value[float64](tb, `document.documentElement.scrollWidth`); w > 376 {
		t.Errorf("the phone page is %v px wide", w)
	}
	// The slot heading sticks under the day heading while its sessions scroll by.
	value[any](tb, `document.body.style.paddingBottom = "3000px"`)
	value[any](tb, `(() => { const li = `+agendaRoot()+`.querySelector('[data-id="short1"]'); window.scrollTo(0, li.getBoundingClientRect().top + scrollY - 20) })()`)
	sticky := value[map[string]float64](tb, `(() => { const r = `+agendaRoot()+`; return {day: r.querySelector(".day > h3").getBoundingClientRect().top, slot: r.querySelector(".list h4").getBoundingClientRect().top, dayh: r.querySelector(".day > h3").getBoundingClientRect().height} })()`)
	if sticky["day"] < -1 || sticky["day"] > 1 || sticky["slot"] < sticky["dayh"]-2 || sticky["slot"] > sticky["dayh"]+2 {
		t.Errorf("sticky headings: %v", sticky)
	}
	value[any](tb, agendaRoot()+`.querySelector(".vw").click()`)
	tb.wait("grid chosen", agendaRoot()+`.querySelector(".g li.s")`)
	if v := value[string](tb, `localStorage.getItem("confcal:view")`); v != "grid" {
		t.Errorf("kept choice %q", v)
	}
	// The choice outlives a reload, over the width's default.
	tb.open(site.URL + "/agenda-only.html")
	tb.wait("grid again after a reload", agendaRoot()+`?.querySelector(".g li.s")`)
	tb.noErrors()
}

// A title opens the session's details with everything the hosted page offers; the address
// then names the session, and that address opens the same details on its own day.
func TestAgendaDetailsAndDeepLink(t *testing.T) {
	svc, site, tb := gridTab(t)
	visitor(tb, "America/New_York", "en_US")
	tb.open(site.URL + "/agenda-only.html")
	tb.wait("grid", agendaRoot()+`?.querySelector('[data-id="late"] h5 a')`)
	if href := value[string](tb, agendaRoot()+`.querySelector('[data-id="late"] h5 a').href`); href != svc.URL+"/events/grid/sessions/late" {
		t.Errorf("title links to %q, want the session's page", href)
	}
	value[any](tb, agendaRoot()+`.querySelector('[data-id="late"] h5 a').click()`)
	tb.wait("details", agendaRoot()+`.querySelector("dialog[open]")`)
	d := value[map[string]any](tb, `(() => { const d = `+agendaRoot()+`.querySelector("dialog[open]")
		return {title: d.querySelector("h3").textContent, text: d.textContent, hash: location.hash,
			speakers: [...d.querySelectorAll(".who a")].map(a => a.href),
			add: [...d.querySelectorAll(".add a")].map(a => a.textContent + " " + a.href),
			join: d.querySelector('a[href="https://example.org/live"]')?.textContent, focus: `+agendaRoot()+`.activeElement?.textContent} })()`)
	if d["title"] != "Talk late" || d["hash"] != "#session-late" || d["join"] != "Join" || d["focus"] != "Close" {
		t.Errorf("details %v", d)
	}
	text, _ := d["text"].(string)
	for _, want := range []string{"Go · H.2215", "Sat, Feb 1, 4:00 AM – 5:00 AM EST", "event time Sat, Feb 1, 10:00 AM – 11:00 AM GMT+1", "Ada Lovelace · Analyst", "About late.", "Second paragraph."} {
		if !strings.Contains(text, want) {
			t.Errorf("details lack %q:\n%s", want, text)
		}
	}
	if sp := fmt.Sprint(d["speakers"]); sp != "["+svc.URL+"/events/grid/speakers/ada "+svc.URL+"/events/grid/speakers/bob]" {
		t.Errorf("speaker links %s", sp)
	}
	add, _ := d["add"].([]any)
	if len(add) != 4 {
		t.Fatalf("add-to-calendar links %v", add)
	}
	for i, prefix := range []string{"Download .ics " + svc.URL + "/events/grid/sessions/late.ics", "Google Calendar https://calendar.google.com/calendar/render?",
		"Outlook.com https://outlook.live.com/calendar/0/action/compose?", "Microsoft 365 https://outlook.office.com/calendar/0/action/compose?"} {
		if !strings.HasPrefix(add[i].(string), prefix) {
			t.Errorf("link %d = %q, want %q…", i, add[i], prefix)
		}
	}
	g, _ := url.Parse(strings.TrimPrefix(add[1].(string), "Google Calendar "))
	if q := g.Query(); q.Get("dates") != "20250201T090000Z/20250201T100000Z" || q.Get("text") != "Grid Conf: Talk late" || q.Get("location") != "H.2215" ||
		!strings.Contains(q.Get("details"), "Join: https://example.org/live") {
		t.Errorf("Google link %v", q)
	}
	// Closing the details gives the fragment back.
	value[any](tb, agendaRoot()+`.querySelector("dialog[open]").close()`)
	tb.wait("closed", `!`+agendaRoot()+`.querySelector("dialog[open]") && location.hash === ""`)

	// A shared link to a second-day session opens it there.
	tb.open(site.URL + "/agenda-only.html#session-sunday2")
	tb.wait("deep link", agendaRoot()+`?.querySelector("dialog[open] h3")?.textContent === "Talk sunday2"`)
	if sel := value[string](tb, agendaRoot()+`.querySelector("[role=tab][aria-selected=true]").textContent`); sel != "Sun, Feb 2" {
		t.Errorf("day shown under the deep link: %q", sel)
	}
	tb.noErrors()
}

// On the day, with the visitor's clock in the event: the session in progress is marked
// live with its join link first, the now line is on the grid, and "Jump to now" shows;
// a minute later, past the session, the mark goes.
func TestAgendaLiveNow(t *testing.T) {
	_, site, tb := gridTab(t)
	visitor(tb, "Europe/Brussels", "en_GB")
	bxl, _ := time.LoadLocation("Europe/Brussels")
	clockAt(tb, time.Date(2025, 2, 1, 9, 49, 50, 0, bxl))
	tb.open(site.URL + "/agenda-only.html")
	tb.wait("live session", agendaRoot()+`?.querySelector('[data-id="long"].live')`)
	live := value[map[string]any](tb, `(() => { const r = `+agendaRoot()+`, li = r.querySelector('[data-id="long"]')
		return {badge: li.querySelector(".lv")?.textContent, join: li.querySelector("a.btn.pri")?.href, others: r.querySelectorAll("li.live").length,
			now: !r.querySelector(".nl").hidden, jump: !r.querySelector(".bar button[hidden]") } })()`)
	if live["badge"] != "Live" || live["join"] != "https://example.org/live" || live["others"].(float64) != 2 || live["now"] != true || live["jump"] != true {
		t.Errorf("live marks at 09:49: %v", live)
	}
	// 09:50: "long" has ended, "short2" (09:30–09:55) still runs. The widget updates on the minute.
	tb.wait("the minute passed", `!`+agendaRoot()+`.querySelector('[data-id="long"]').classList.contains("live")`)
	if n := value[int](tb, agendaRoot()+`.querySelectorAll("li.live").length`); n != 1 {
		t.Errorf("%d live sessions at 09:50, want 1", n)
	}
	tb.noErrors()
}

// <confcal-now> on a fixed clock: before the event it says when it starts; during it,
// what is live (join link first) and what is next, updated on the minute without a
// reload; room and limit narrow it; after the event it says when it took place.
func TestNowElement(t *testing.T) {
	ev := gridEvent()
	svc := newService(t, ev)
	bxl, _ := time.LoadLocation("Europe/Brussels")
	at := func(attrs string, clock time.Time) *tab {
		t.Helper()
		site := newHost(t, svc.URL, strictCSP, map[string]string{"EVENT": ev.Slug, "ATTRS": attrs})
		tb := newTab(t)
		visitor(tb, "Europe/Brussels", "en_GB")
		clockAt(tb, clock)
		tb.open(site.URL + "/now.html")
		tb.wait("now element", `document.querySelector("confcal-now").shadowRoot?.querySelector(".w")`)
		return tb
	}
	text := func(tb *tab) string {
		return value[string](tb, `document.querySelector("confcal-now").shadowRoot.textContent`)
	}
	ids := func(tb *tab, sel string) string {
		return value[string](tb, `[...document.querySelector("confcal-now").shadowRoot.querySelectorAll("`+sel+`")].map(li => li.dataset.id).join(" ")`)
	}

	tb := at("", time.Date(2025, 1, 20, 12, 0, 0, 0, bxl))
	if s := text(tb); !strings.Contains(s, "Grid Conf starts Saturday 1 February.") || strings.Contains(s, "Live now") {
		t.Errorf("a week before: %q", s)
	}

	tb = at(` limit="2"`, time.Date(2025, 2, 1, 9, 49, 50, 0, bxl))
	if live, next := ids(tb, "li.live"), ids(tb, "li:not(.live)"); live != "long short2" || next != "late sunday" {
		t.Errorf("at 09:49: live %q, next %q", live, next)
	}
	if join := value[string](tb, `document.querySelector("confcal-now").shadowRoot.querySelector("li.live a.btn.pri")?.href`); join != "https://example.org/live" {
		t.Errorf("join link %q", join)
	}
	tb.wait("the minute passed", `document.querySelector("confcal-now").shadowRoot.querySelectorAll("li.live").length === 1`)
	if live := ids(tb, "li.live"); live != "short2" {
		t.Errorf("at 09:50: live %q", live)
	}
	tb.noErrors()

	tb = at(` room="h2"`, time.Date(2025, 2, 1, 10, 30, 0, 0, bxl))
	if live, next := ids(tb, "li.live"), ids(tb, "li:not(.live)"); live != "late" || next != "" {
		t.Errorf("room h2 at 10:30: live %q, next %q", live, next)
	}

	tb = at("", time.Date(2025, 3, 1, 12, 0, 0, 0, bxl))
	if s := text(tb); !strings.Contains(s, "Grid Conf took place from Saturday 1 February to Sunday 2 February.") {
		t.Errorf("after: %q", s)
	}
}
