package widget_test

import (
	"slices"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/confcal/confcal/internal/synth"
)

// firstTextProbe records, in the page, the first animation frame in which the agenda shows
// a session title: milliseconds since navigation started (performance.now()).
const firstTextProbe = `requestAnimationFrame(function probe() {
	const a = document.querySelector("confcal-agenda")
	const t = a && a.shadowRoot && a.shadowRoot.querySelector("h5")
	if (t && t.textContent) { window.__firstText = performance.now(); return }
	requestAnimationFrame(probe)
})`

// BenchmarkFirstAgendaText loads a page holding <confcal-agenda> for a 300-session,
// 8-track event and reports when the first session title was on screen, in ms since the
// navigation started, beside the page's first contentful paint (the author's fallback link,
// painted before the widget runs: the browser's own floor for this page). "cold" has the
// browser cache off (widget.js and the event JSON fetched every time, over loopback);
// "warm" is a returning visitor with widget.js cached.
//
//	go test ./widget -run XXX -bench FirstAgendaText -benchtime 20x
func BenchmarkFirstAgendaText(b *testing.B) {
	ev := synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2})
	svc := newService(b, ev)
	site := newHost(b, svc.URL, strictCSP, map[string]string{"EVENT": ev.Slug, "SESSION": ev.Sessions[0].ID,
		"SPEAKER": ev.Speakers[0].ID, "SPEAKER2": ev.Speakers[1].ID})
	for _, mode := range []string{"cold", "warm"} {
		b.Run(mode, func(b *testing.B) {
			tb := newTab(b)
			if _, err := chromedp.Call(tb.ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: mode == "cold"}); err != nil {
				b.Fatal(err)
			}
			if _, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: firstTextProbe,
			}); err != nil {
				b.Fatal(err)
			}
			tb.open(site.URL + "/agenda-only.html") // the browser's first visit to the page warms its JIT and, for "warm", its cache
			var text, fcp []float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tb.open(site.URL + "/agenda-only.html")
				tb.wait("first agenda text", `window.__firstText`)
				text = append(text, value[float64](tb, `window.__firstText`))
				fcp = append(fcp, value[float64](tb, `performance.getEntriesByName("first-contentful-paint")[0]?.startTime || 0`))
			}
			slices.Sort(text)
			slices.Sort(fcp)
			b.ReportMetric(text[len(text)/2], "ms-text-p50")
			b.ReportMetric(text[len(text)*9/10], "ms-text-p90")
			b.ReportMetric(fcp[len(fcp)/2], "ms-fcp-p50")
		})
	}
}
