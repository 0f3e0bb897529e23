package widget_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestScreenshots renders the agenda, a speaker card, the speaker wall and the schedule
// with its subscribe panel in light and dark, and writes them to docs/screenshots for the
// README:
//
//	CONFCAL_SCREENSHOTS=1 go test ./widget -run Screenshots
func TestScreenshots(t *testing.T) {
	if os.Getenv("CONFCAL_SCREENSHOTS") == "" {
		t.Skip("set CONFCAL_SCREENSHOTS=1 to write docs/screenshots")
	}
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	out := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, scheme := range []string{"light", "dark"} {
		tb := newTab(t)
		if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		}); err != nil {
			t.Fatal(err)
		}
		visitor(tb, "America/New_York", "en_US")
		tb.open(site.URL + "/elements.html")
		tb.wait("agenda", shadowText("confcal-agenda")+`.includes("You’re Doing it All Wrong")`)
		// Two parallel talks starred: the schedule flags the overlap and offers the feed.
		star(tb, rust)
		star(tb, kernel)
		tb.wait("schedule panel", `document.querySelector("confcal-schedule").shadowRoot.querySelector("input[part=feed]")`)
		tb.wait("speakers", `document.querySelector("confcal-speakers").shadowRoot.querySelector("li")`)
		for name, sel := range map[string]string{"agenda": "confcal-agenda", "speaker": "confcal-speaker", "speakers": "confcal-speakers",
			"subscribe": "confcal-schedule"} {
			png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, name+"-"+scheme+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
