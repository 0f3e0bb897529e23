package widget_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/confcal/confcal/widget"
)

// deadAPI serves the widget script but answers every API call with 503 after a delay, as
// an overloaded or unreachable service would.
func deadAPI(t *testing.T, delay time.Duration) string {
	js, _, err := widget.Build()
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t)
	serve(t, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		if r.URL.Path == "/widget.js" {
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(js.JS)
			return
		}
		time.Sleep(delay)
		http.Error(w, `{"error":{"code":"unavailable","message":"down"}}`, http.StatusServiceUnavailable)
	}))
	return "http://" + ln.Addr().String()
}

func TestAuthorMarkupStaysUntilDataAndComesBackOnError(t *testing.T) {
	api := deadAPI(t, 1500*time.Millisecond)
	site := newHost(t, api, strictCSP, nil)
	tb := newTab(t)
	tb.open(site.URL + "/fallback.html")
	// While the API has not answered, the author's link is what visitors see.
	tb.wait("widget defined", `customElements.get("confcal-agenda")`)
	if visible := value[bool](tb, `document.getElementById("author-link").getClientRects().length > 0`); !visible {
		t.Error("the author's markup is hidden before data arrives")
	}
	tb.wait("error message", shadowText("#down")+`.includes("could not be loaded")`)
	text := value[string](tb, shadowText("#down"))
	if !strings.Contains(text, "Open the agenda") {
		t.Errorf("no link to the hosted agenda: %q", text)
	}
	if href := value[string](tb, `document.querySelector("#down").shadowRoot.querySelector("a").href`); href != api+"/events/p99conf-24" {
		t.Errorf("hosted agenda link = %q", href)
	}
	if visible := value[bool](tb, `document.getElementById("author-link").getClientRects().length > 0`); !visible {
		t.Error("the author's markup did not come back on error")
	}
}

func TestUnknownEvent(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	tb := newTab(t)
	tb.open(site.URL + "/fallback.html")
	tb.wait("message", shadowText("#unknown")+`.includes("not on the agenda service")`)
	if visible := value[bool](tb, `document.getElementById("author-link-2").getClientRects().length > 0`); !visible {
		t.Error("the author's markup is hidden after the error")
	}
}
