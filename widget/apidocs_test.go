package widget_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/confcal/confcal/internal/apidoc"
)

// TestAPIDocsPage opens /api/docs in Chromium under the page's own CSP, light and dark,
// desktop and phone: no console error or CSP violation, one section per operation of the
// document, every schema link landing on a schema, and axe with no violation. With
// CONFCAL_SCREENSHOTS set it writes docs/screenshots/api-docs-*.png.
func TestAPIDocsPage(t *testing.T) {
	svc := newService(t)
	d, err := apidoc.Load()
	if err != nil {
		t.Fatal(err)
	}
	src := axeSource(t)
	for _, scheme := range []string{"light", "dark"} {
		for _, screen := range []string{"desktop", "phone"} {
			t.Run(scheme+"-"+screen, func(t *testing.T) {
				tb := newTab(t)
				colorScheme(tb, scheme)
				if screen == "phone" {
					phone(tb)
				}
				tb.open(svc.URL + "/api/docs")
				tb.wait("loaded", `document.readyState === "complete"`)
				if n := value[int](tb, `document.querySelectorAll("section.op[id^=op-]").length`); n != len(d.Operations()) {
					t.Errorf("%d operations on the page, %d in the document", n, len(d.Operations()))
				}
				if broken := value[[]string](tb, `[...document.querySelectorAll("a[href^='#']")].map(a => a.getAttribute("href")).filter(h => !document.getElementById(h.slice(1)))`); len(broken) > 0 {
					t.Errorf("links to nothing: %v", broken)
				}
				if value[bool](tb, `document.documentElement.scrollWidth > innerWidth + 1`) {
					t.Errorf("the page scrolls sideways (%d px wide in %d)", value[int](tb, `document.documentElement.scrollWidth`), value[int](tb, `innerWidth`))
				}
				if scripts := value[int](tb, `document.scripts.length`); scripts != 0 {
					t.Errorf("%d scripts: the page is plain HTML", scripts)
				}
				tb.noErrors()
				if v := axe(tb, src, "html"); len(v) > 0 {
					t.Errorf("axe:\n  %s", strings.Join(v, "\n  "))
				}
				if os.Getenv("CONFCAL_SCREENSHOTS") != "" {
					tb.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("op-createSchedule").scrollIntoView()`))
					png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join("..", "docs", "screenshots", "api-docs-"+scheme+"-"+screen+".png"), png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}
