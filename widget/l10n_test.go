package widget_test

import (
	"strings"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/l10n"
)

// shortMonth is February as each language's short day tabs write it (Intl, CLDR).
var shortMonth = map[string]string{"en": "Feb", "de": "Feb", "fr": "févr", "es": "feb", "pt-BR": "fev", "ja": "2月", "ar": "فبراير"}

// The agenda in every language: its words from that language's catalogue (fetched from the
// API origin, none for English), counts in the language's plural form, dates by Intl,
// and Arabic laid out right to left, the grid's first room on the right. The details
// dialog and <confcal-now> follow.
func TestWidgetInEveryLanguage(t *testing.T) {
	ev := gridEvent()
	svc := newService(t, ev)
	for _, l := range l10n.All() {
		t.Run(l.Tag, func(t *testing.T) {
			site := newHost(t, svc.URL, strictCSP, map[string]string{"EVENT": ev.Slug, "ATTRS": ` locale="` + l.Tag + `" view="grid"`})
			tb := newTab(t)
			tb.open(site.URL + "/agenda-only.html")
			tb.wait("grid", agendaRoot()+`?.querySelector(".col .s")`)
			got := value[map[string]any](tb, `(() => { const r = `+agendaRoot()+`, w = r.querySelector(".w")
				return {search: r.querySelector("[role=search] label:last-child").firstChild.textContent,
					status: r.querySelector(".bar [role=status]").textContent, tab: r.querySelector("[role=tab]").textContent,
					view: r.querySelector(".vw").textContent, dir: getComputedStyle(w).direction, lang: w.lang,
					cols: [...r.querySelectorAll(".col")].map(c => c.getBoundingClientRect().left),
					four: new Intl.NumberFormat(w.lang).format(4),
					files: performance.getEntriesByType("resource").map(e => e.name).filter(n => n.includes("/l10n/"))} })()`)
			four := strings.ReplaceAll(l.N(4, "{n} session", "{n} sessions"), "4", got["four"].(string))
			if got["search"] != l.T("Search") || got["status"] != four || got["view"] != l.T("Show as list") || got["lang"] != l.Tag {
				t.Errorf("words: %v, want %q, %q, %q", got, l.T("Search"), four, l.T("Show as list"))
			}
			if !strings.Contains(got["tab"].(string), shortMonth[l.Tag]) {
				t.Errorf("day tab %q does not name February as %s does (%q)", got["tab"], l.Tag, shortMonth[l.Tag])
			}
			files := got["files"].([]any)
			if l == l10n.English && len(files) != 0 || l != l10n.English && (len(files) != 1 || !strings.HasSuffix(files[0].(string), "/l10n/"+l10n.Files()[l.Tag])) {
				t.Errorf("catalogue requests %v", files)
			}
			cols := got["cols"].([]any)
			if got["dir"] != l.Dir || len(cols) != 3 {
				t.Fatalf("direction %v, %d columns", got["dir"], len(cols))
			}
			if first, second := cols[0].(float64), cols[1].(float64); (l.Dir == "rtl") != (first > second) {
				t.Errorf("%s: the first room's column is at %v, the second's at %v", l.Dir, first, second)
			}
			// The details dialog speaks the same language, in the same direction.
			value[any](tb, agendaRoot()+`.querySelector('[data-id="long"] h5 a').click()`)
			tb.wait("details", agendaRoot()+`.querySelector("dialog[open]")`)
			d := value[map[string]any](tb, `(() => { const d = `+agendaRoot()+`.querySelector("dialog")
				return {close: d.querySelector("form button").textContent, dir: getComputedStyle(d).direction, speakers: d.querySelector(".who").getAttribute("aria-label")} })()`)
			if d["close"] != l.T("Close") || d["dir"] != l.Dir || d["speakers"] != l.T("Speakers") {
				t.Errorf("details: %v", d)
			}
			tb.noErrors()

			// <confcal-now> during the first talk.
			now := newTab(t)
			clockAt(now, ev.Sessions[0].Start.Add(10*time.Minute))
			now.open(site.URL + "/now.html")
			now.wait("now", `document.querySelector("confcal-now").shadowRoot?.querySelector("h3")`)
			n := value[map[string]any](now, `(() => { const r = document.querySelector("confcal-now").shadowRoot
				return {live: r.querySelector("h3").textContent, badge: r.querySelector(".lv").textContent, dir: getComputedStyle(r.querySelector(".w")).direction} })()`)
			if n["live"] != l.T("Live now") || n["badge"] != l.T("Live") || n["dir"] != l.Dir {
				t.Errorf("<confcal-now>: %v", n)
			}
			now.noErrors()
		})
	}
}

// Without a locale attribute the widget speaks the page's language (the nearest lang),
// with the browser's region when the page names none; a language without a catalogue
// falls back to English.
func TestWidgetTakesThePagesLanguage(t *testing.T) {
	ev := gridEvent()
	svc := newService(t, ev)
	for _, c := range []struct{ attrs, locale, search, tab string }{
		{` lang="de"`, "en-US", "Suche", "Feb"},
		{` lang="pt"`, "en-US", "Buscar", "fev"},
		{` lang="zh"`, "en-US", "Search", "2月"},
		{` lang="en"`, "en-GB", "Search", "Sat 1 Feb"},
	} {
		site := newHost(t, svc.URL, strictCSP, map[string]string{"EVENT": ev.Slug, "ATTRS": c.attrs})
		tb := newTab(t)
		visitor(tb, "Europe/Brussels", c.locale)
		tb.open(site.URL + "/agenda-only.html")
		tb.wait("agenda", agendaRoot()+`?.querySelector("[role=tab]")`)
		got := value[[]string](tb, `[`+agendaRoot()+`.querySelector("[role=search] label:last-child").firstChild.textContent, `+agendaRoot()+`.querySelector("[role=tab]").textContent]`)
		if got[0] != c.search || !strings.Contains(got[1], c.tab) {
			t.Errorf("%s (browser %s): search %q, tab %q; want %q, %q", c.attrs, c.locale, got[0], got[1], c.search, c.tab)
		}
		tb.noErrors()
	}
}
