package widget_test

import (
	"strings"
	"testing"
)

func TestElementsRenderTheBundledEvent(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	tb := newTab(t)
	tb.open(site.URL + "/elements.html")
	tb.wait("agenda", shadowText("confcal-agenda")+`.includes("You’re Doing it All Wrong")`)
	if h2 := value[string](tb, `document.querySelector("confcal-agenda").shadowRoot.querySelector("h2")?.textContent`); h2 != "P99 CONF 24" {
		t.Errorf("agenda heading %q", h2)
	}
	tb.wait("speaker wall", `document.querySelector("confcal-speakers").shadowRoot.querySelectorAll("li").length === 10`)
	tb.wait("session card", shadowText("confcal-session")+`.includes("Michael Stonebraker")`)
	tb.wait("speaker card", shadowText("confcal-speaker")+`.includes("Andy Pavlo")`)
	tb.wait("schedule", shadowText("confcal-schedule")+`.includes("No sessions starred yet")`)
	unannounced := value[string](tb, shadowText("#unannounced"))
	if !strings.Contains(unannounced, "Gunnar Morling") || !strings.Contains(unannounced, "Session to be announced") {
		t.Errorf("speaker without a talk: %q", unannounced)
	}
	if errs := tb.errors(); len(errs) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(errs, "\n"))
	}
}
