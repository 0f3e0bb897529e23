package widget_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, installed by .ci/run from tools/axe (pinned by its lock file).
func axeSource(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "tools", "axe", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but axe-core is missing (npm ci --prefix tools/axe): %v", err)
		}
		t.Skip("axe-core not installed: run npm ci --prefix tools/axe")
	}
	return string(src)
}

type axeViolation struct {
	ID, Impact, Help string
	Nodes            []struct{ Target []any }
}

// axe runs axe-core on one element (shadow roots included) and returns its violations,
// of any impact.
func axe(tb *tab, src, selector string) []string {
	tb.t.Helper()
	value[bool](tb, src+"\n;true")
	all := value[[]axeViolation](tb, fmt.Sprintf(`axe.run(document.querySelector(%q), {resultTypes: ["violations"]}).then(r => r.violations)`, selector))
	var out []string
	for _, v := range all {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target...))
		}
		out = append(out, fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(where, "; ")))
	}
	return out
}

func TestAccessibility(t *testing.T) {
	src := axeSource(t)
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			tb := newTab(t)
			colorScheme(tb, scheme)
			tb.open(site.URL + "/elements.html")
			tb.wait("agenda", agendaRoot()+`?.querySelector(".star")`)
			tb.wait("speakers", `document.querySelector("confcal-speakers").shadowRoot.querySelector("li")`)
			// A star, the subscribe panel open and an overlap note, so they are checked too.
			star(tb, rust)
			star(tb, kernel)
			openPanel(tb)
			tb.wait("schedule lists stars", `document.querySelector("confcal-schedule").shadowRoot.querySelector("li.s")`)
			for _, sel := range []string{"confcal-agenda", "confcal-session", "confcal-speaker", "#unannounced", "confcal-speakers", "confcal-schedule"} {
				if v := axe(tb, src, sel); len(v) > 0 {
					t.Errorf("%s:\n  %s", sel, strings.Join(v, "\n  "))
				}
			}
		})
	}
	// The hosted pages, enhanced, in both schemes, and in Arabic (right to left) and Japanese.
	for _, scheme := range []string{"light", "dark"} {
		tb := newTab(t)
		colorScheme(tb, scheme)
		for _, path := range []string{"/events/p99conf-24", "/events/p99conf-24/sessions/" + keynote, "/events/p99conf-24/speakers/liz-rice",
			"/embed/p99conf-24/agenda", "/events/p99conf-24/speakers", "/events/p99conf-24?lang=ar", "/embed/p99conf-24/agenda?locale=ja"} {
			tb.open(svc.URL + path)
			tb.wait("page enhanced", `document.readyState === "complete" && [...document.querySelectorAll("confcal-agenda, confcal-session, confcal-speaker")].every(el => el.shadowRoot?.querySelector(".w"))`)
			if v := axe(tb, src, "html"); len(v) > 0 {
				t.Errorf("%s (%s):\n  %s", path, scheme, strings.Join(v, "\n  "))
			}
		}
	}
}

// The agenda's views of a two-day, three-room event during a talk: the grid with its day
// tabs and now line, the list on a phone, a session's details, and <confcal-now>, each in
// both schemes.
func TestAccessibilityOfAgendaViews(t *testing.T) {
	src := axeSource(t)
	for _, scheme := range []string{"light", "dark"} {
		for _, screen := range []string{"desktop", "phone"} {
			t.Run(scheme+"/"+screen, func(t *testing.T) {
				_, site, tb := gridTab(t)
				colorScheme(tb, scheme)
				if screen == "phone" {
					phone(tb)
				}
				bxl, _ := time.LoadLocation("Europe/Brussels")
				clockAt(tb, time.Date(2025, 2, 1, 9, 40, 0, 0, bxl))
				tb.open(site.URL + "/agenda-only.html")
				tb.wait("agenda", agendaRoot()+`?.querySelector("li.live")`)
				if v := axe(tb, src, "confcal-agenda"); len(v) > 0 {
					t.Errorf("%s:\n  %s", screen, strings.Join(v, "\n  "))
				}
				// The grid on its day, something live: the now line, live marks and join links.
				value[any](tb, agendaRoot()+`.querySelector("li.s h5 a").click()`)
				tb.wait("details", agendaRoot()+`.querySelector("dialog[open]")`)
				if v := axe(tb, src, "confcal-agenda"); len(v) > 0 {
					t.Errorf("details:\n  %s", strings.Join(v, "\n  "))
				}
				tb.open(site.URL + "/now.html")
				tb.wait("now", `document.querySelector("confcal-now").shadowRoot?.querySelector("li.live")`)
				if v := axe(tb, src, "confcal-now"); len(v) > 0 {
					t.Errorf("confcal-now:\n  %s", strings.Join(v, "\n  "))
				}
			})
		}
	}
}

// landmarks are the named landmarks of the page and of every shadow root in it.
const landmarks = `(() => {
	const out = [], roles = {main: "main", nav: "navigation", header: "banner", footer: "contentinfo", aside: "complementary"}
	const walk = (root) => {
		for (const el of root.querySelectorAll("*")) {
			const role = el.getAttribute("role") || roles[el.localName] || ((el.localName === "section" || el.localName === "form") && (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")) ? "region" : "")
			if (["main", "navigation", "banner", "contentinfo", "complementary", "region", "search", "form"].includes(role)) out.push(role + ":" + (el.getAttribute("aria-label") || ""))
			if (el.shadowRoot) walk(el.shadowRoot)
		}
	}
	walk(document)
	return out
})()`

// Every element on one page, the agenda's subscribe panel open: no two landmarks of one
// role share a name. With the panel closed, the first star is at most 5 Tab stops after
// the search field.
func TestLandmarksAndFocusOrder(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	tb := newTab(t)
	tb.open(site.URL + "/elements.html")
	tb.wait("agenda", agendaRoot()+`?.querySelector(".star")`)
	star(tb, rust)
	openPanel(tb)
	tb.wait("schedule panel", `document.querySelector("confcal-schedule").shadowRoot.querySelector("[part=panel]")`)
	seen := map[string]bool{}
	for _, l := range value[[]string](tb, landmarks) {
		if seen[l] {
			t.Errorf("two landmarks %q", l)
		}
		seen[l] = true
	}
	value[any](tb, agendaRoot()+`.querySelector("button[aria-expanded=true]").click()`) // the panel closed again, as a page opens
	value[any](tb, agendaRoot()+`.querySelector("input[type=search]").focus()`)
	for stop := 1; ; stop++ {
		tb.do(chromedp.KeyEvent("\t"))
		if value[bool](tb, agendaRoot()+`.activeElement?.classList.contains("star") || false`) {
			t.Logf("first star %d Tab stops after the search field", stop)
			break
		}
		if stop == 5 {
			t.Fatalf("no star within 5 Tab stops of the search field; at %s", value[string](tb, agendaRoot()+`.activeElement?.outerHTML.slice(0, 120) || document.activeElement.outerHTML.slice(0, 120)`))
		}
	}
}
