package widget_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/confcal/confcal/internal/synth"
)

// scaleProbe records, in the page, the long tasks and the first frame with a session title,
// and gives the benchmark act(): run a step, then report the time to the next frame after
// it and the longest task from its start until the page is idle again.
const scaleProbe = `(() => {
	window.__long = []
	new PerformanceObserver((l) => window.__long.push(...l.getEntries().map((e) => [e.startTime, e.duration]))).observe({type: "longtask", buffered: true})
	requestAnimationFrame(function probe() {
		const a = document.querySelector("confcal-agenda")
		const t = a && a.shadowRoot && a.shadowRoot.querySelector("h5")
		if (t && t.textContent) { window.__firstText = performance.now(); return }
		requestAnimationFrame(probe)
	})
	window.__act = (f) => new Promise((done) => {
		const t0 = performance.now()
		f()
		requestAnimationFrame(() => setTimeout(() => {
			const frame = performance.now() - t0
			setTimeout(() => done([frame, Math.max(0, ...window.__long.filter(([s]) => s >= t0 - 1).map(([, d]) => d))]), 600)
		}))
	})
})()`

// BenchmarkAgendaAtScale loads <confcal-agenda> alone on a page for a 2,000-session,
// 16-track, 16-room, 5-day event and reports, as the visitor sees them: the first session
// title after the page's first contentful paint, the longest task while loading, the nodes
// in the shadow root, and for each step (filter a track, clear it, search, clear, switch
// day, star, open details, close them) the time to the next frame and the longest task.
// "grid" is a 1200 px desktop, "list" a 375 px phone.
//
//	go test ./widget -run XXX -bench AgendaAtScale -benchtime 5x
func BenchmarkAgendaAtScale(b *testing.B) {
	ev := synth.Event(synth.Options{Slug: "scale", Sessions: 2000, Tracks: 16, Rooms: 16, Days: 5})
	svc := newService(b, ev)
	site := newHost(b, svc.URL, strictCSP, map[string]string{"EVENT": ev.Slug})
	root := agendaRoot()
	steps := []struct{ name, js string }{
		{"filter", `(() => { const s = ` + root + `.querySelector("select"); s.value = "track-3"; s.dispatchEvent(new Event("change")) })`},
		{"clear", `(() => { const s = ` + root + `.querySelector("select"); s.value = ""; s.dispatchEvent(new Event("change")) })`},
		{"search", `(() => { const i = ` + root + `.querySelector("input[type=search]"); i.value = "session 17"; i.dispatchEvent(new Event("input")) })`},
		{"unsearch", `(() => { const i = ` + root + `.querySelector("input[type=search]"); i.value = ""; i.dispatchEvent(new Event("input")) })`},
		{"day", `(() => ` + root + `.querySelectorAll("[role=tab]")[2].click())`},
		{"star", `(() => ` + root + `.querySelector(".star").click())`},
		{"details", `(() => ` + root + `.querySelector("li.s h5 a").click())`},
		{"close", `(() => ` + root + `.querySelector("dialog").close())`},
	}
	for _, view := range []string{"grid", "list"} {
		b.Run(view, func(b *testing.B) {
			tb := newTab(b)
			if view == "list" {
				phone(tb)
			}
			visitor(tb, "America/Los_Angeles", "en_US")
			if _, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: scaleProbe}); err != nil {
				b.Fatal(err)
			}
			tb.open(site.URL + "/agenda-only.html") // warms the JIT and the cache
			metrics := map[string][]float64{}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tb.open(site.URL + "/agenda-only.html")
				tb.wait("first agenda text", `window.__firstText`)
				// Loaded: the day's 400 sessions built and the page idle.
				tb.wait("day built", root+`.querySelectorAll("li.s").length === 400`)
				value[any](tb, `new Promise((r) => setTimeout(r, 300))`)
				metrics["ms-title-after-fcp"] = append(metrics["ms-title-after-fcp"],
					value[float64](tb, `window.__firstText - performance.getEntriesByName("first-contentful-paint")[0].startTime`))
				metrics["ms-longest-task-load"] = append(metrics["ms-longest-task-load"], value[float64](tb, `Math.max(0, ...window.__long.map(([, d]) => d))`))
				metrics["nodes"] = append(metrics["nodes"], value[float64](tb, `(() => { const w = document.createTreeWalker(`+root+`, NodeFilter.SHOW_ALL); let n = 0; while (w.nextNode()) n++; return n })()`))
				for _, s := range steps {
					r := value[[]float64](tb, `window.__act(`+s.js+`)`)
					metrics["ms-"+s.name] = append(metrics["ms-"+s.name], r[0])
					metrics["ms-longest-task-"+s.name] = append(metrics["ms-longest-task-"+s.name], r[1])
				}
			}
			b.StopTimer()
			for name, v := range metrics {
				slices.Sort(v)
				b.ReportMetric(v[len(v)-1], name+"-max")
			}
			b.Log(fmt.Sprint(metrics))
		})
	}
}
