package widget_test

import (
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/feed/feedtest"
)

const (
	keynote = "stonebraker-doing-it-all-wrong"
	rust    = "wenger-rust-io-uring-ktls"
	kernel  = "pavlo-databases-and-operating-systems"
)

func agendaRoot() string { return `document.querySelector("confcal-agenda").shadowRoot` }

// star clicks a session's star in the agenda and waits until the page shows it starred.
func star(tb *tab, id string) {
	tb.t.Helper()
	btn := agendaRoot() + `.querySelector('[data-id="` + id + `"] .star')`
	tb.wait("star button of "+id, btn)
	if value[string](tb, btn+`.getAttribute("aria-pressed")`) == "true" {
		return // starred in an earlier tab of this origin
	}
	value[any](tb, btn+`.click()`)
	tb.wait(id+" starred", btn+`.getAttribute("aria-pressed") === "true"`)
}

// openPanel opens the agenda's subscribe panel and returns the feed URL it offers.
func openPanel(tb *tab) string {
	tb.t.Helper()
	value[any](tb, agendaRoot()+`.querySelector("button[aria-expanded]").click()`)
	feed := agendaRoot() + `.querySelector('input[part=feed]')`
	tb.wait("feed URL in the subscribe panel", feed)
	return value[string](tb, feed+`.value`)
}

func feedUIDs(t *testing.T, url string) []string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, body)
	}
	var uids []string
	for uid := range feedtest.Events(t, feedtest.Check(t, body)) {
		uids = append(uids, uid)
	}
	slices.Sort(uids)
	return uids
}

func TestStarTwoAndSubscribe(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	tb := newTab(t)
	tb.open(site.URL + "/elements.html")
	star(tb, keynote)
	star(tb, kernel)
	feedURL := openPanel(tb)
	if !strings.HasPrefix(feedURL, svc.URL+"/feeds/") {
		t.Fatalf("feed URL %q is not on the service", feedURL)
	}
	want := []string{agenda.UID(bundled.Slug, keynote), agenda.UID(bundled.Slug, kernel)}
	slices.Sort(want)
	// Stars are sent one after the other; the second may still be on its way.
	tb.wait("both stars saved", `localStorage.getItem("confcal:v1").split(" ").length >= 7`)
	if got := feedUIDs(t, feedURL); !slices.Equal(got, want) {
		t.Errorf("feed holds %v, want exactly %v", got, want)
	}
	// The subscribe panel offers every client, and the schedule element lists both.
	panel := value[string](tb, agendaRoot()+`.querySelector("[part=panel]").textContent`)
	for _, label := range []string{"Apple Calendar", "Google Calendar", "Outlook.com", "Microsoft 365", "Download .ics", "Copy"} {
		if !strings.Contains(panel, label) {
			t.Errorf("subscribe panel lacks %q: %s", label, panel)
		}
	}
	tb.wait("schedule lists both", `document.querySelector("confcal-schedule").shadowRoot.querySelectorAll("li.s").length === 2`)
	// One key of the host origin, prefixed, holds it all.
	keys := value[[]string](tb, `Object.keys(localStorage)`)
	if !slices.Equal(keys, []string{"confcal:v1"}) {
		t.Errorf("localStorage keys = %v", keys)
	}
	// Unstarring removes it from the feed.
	value[any](tb, agendaRoot()+`.querySelector('[data-id="`+keynote+`"] .star').click()`)
	tb.wait("keynote unstarred", `!localStorage.getItem("confcal:v1").includes("`+keynote+`")`)
	if got := feedUIDs(t, feedURL); !slices.Equal(got, []string{agenda.UID(bundled.Slug, kernel)}) {
		t.Errorf("after unstar the feed holds %v", got)
	}
	if errs := tb.errors(); len(errs) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(errs, "\n"))
	}
}

func TestParallelStarsAreFlagged(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	tb := newTab(t)
	tb.open(site.URL + "/elements.html")
	star(tb, rust)
	star(tb, kernel)
	warn := agendaRoot() + `.querySelector('[data-id="` + rust + `"] .warn')`
	tb.wait("overlap note", warn+`.textContent.includes("Overlaps with")`)
	if text := value[string](tb, warn+`.textContent`); !strings.Contains(text, "The Next Chapter") {
		t.Errorf("overlap note %q does not name the other session", text)
	}
	if hidden := value[bool](tb, agendaRoot()+`.querySelector('[data-id="`+keynote+`"] .warn').hidden`); !hidden {
		t.Error("the keynote overlaps nothing but is flagged")
	}
}

func TestScheduleLinkRestoresStarsOnAnotherOrigin(t *testing.T) {
	svc := newService(t)
	siteA := newHost(t, svc.URL, strictCSP, nil)
	siteB := newHost(t, svc.URL, strictCSP, nil)
	a := newTab(t)
	a.open(siteA.URL + "/elements.html")
	star(a, keynote)
	star(a, rust)
	feedA := openPanel(a)
	a.wait("both stars saved", `localStorage.getItem("confcal:v1").split(" ").length >= 7`)
	link := value[string](a, agendaRoot()+`.querySelector('input[part=link]').value`)
	if !strings.HasPrefix(link, siteA.URL+"/elements.html#confcal=") {
		t.Fatalf("schedule link %q", link)
	}
	// The same link, on another site: the fragment is all that matters.
	b := newTab(t)
	b.open(siteB.URL + "/elements.html#" + strings.SplitN(link, "#", 2)[1])
	for _, id := range []string{keynote, rust} {
		b.wait(id+" starred on B", agendaRoot()+`.querySelector('[data-id="`+id+`"] .star')?.getAttribute("aria-pressed") === "true"`)
	}
	if pressed := value[string](b, agendaRoot()+`.querySelector('[data-id="`+kernel+`"] .star').getAttribute("aria-pressed")`); pressed != "false" {
		t.Errorf("unstarred session shows aria-pressed=%s on B", pressed)
	}
	b.wait("fragment removed from the address bar", `location.hash === ""`)
	if feedB := openPanel(b); feedB != feedA {
		t.Errorf("feed on B = %q, want the same as on A %q", feedB, feedA)
	}
	// A star on B reaches the same feed.
	star(b, kernel)
	b.wait("kernel saved on B", `localStorage.getItem("confcal:v1").includes("`+kernel+`")`)
	if got := feedUIDs(t, feedA); len(got) != 3 {
		t.Errorf("feed after starring on B holds %v", got)
	}
}

// A star made while an earlier answer is still on its way never flickers off when that
// answer (which does not know it yet) comes back: neither the first star's answer, nor the
// page's read-back of the saved schedule.
func TestStarsDoNotFlickerWhileSaving(t *testing.T) {
	for name, slow := range map[string]func(r *http.Request) bool{
		"create": func(r *http.Request) bool {
			return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/schedules")
		},
		"read-back": func(r *http.Request) bool {
			return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/schedules/")
		},
	} {
		t.Run(name, func(t *testing.T) {
			svc := newService(t)
			target, _ := url.Parse(svc.URL)
			proxy := httputil.NewSingleHostReverseProxy(target)
			ln := listen(t)
			serve(t, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if slow(r) {
					time.Sleep(400 * time.Millisecond)
				}
				proxy.ServeHTTP(w, r)
			}))
			site := newHost(t, "http://"+ln.Addr().String(), strictCSP, nil)
			tb := newTab(t)
			tb.open(site.URL + "/elements.html")
			tb.wait("agenda", agendaRoot()+`?.querySelector(".star")`)
			btn := func(id string) string { return agendaRoot() + `.querySelector('[data-id="` + id + `"] .star')` }
			// Record every state the second star's button goes through.
			value[any](tb, `window.__states = []; new MutationObserver(() => window.__states.push(`+btn(kernel)+`.getAttribute("aria-pressed"))).observe(`+btn(kernel)+`, {attributes: true})`)
			value[any](tb, btn(rust)+`.click()`)
			if name == "read-back" {
				// The schedule exists; the schedule element's re-render asks for it back.
				tb.wait("first star saved", `(localStorage.getItem("confcal:v1") || "").includes("`+rust+`")`)
			}
			value[any](tb, btn(kernel)+`.click()`)
			tb.wait("both saved", `(localStorage.getItem("confcal:v1") || "").includes("`+kernel+`") && localStorage.getItem("confcal:v1").includes("`+rust+`")`)
			time.Sleep(600 * time.Millisecond)
			states := value[[]string](tb, `window.__states`)
			if len(states) == 0 || states[0] != "true" || slices.Contains(states, "false") {
				t.Errorf("the second star went through %v", states)
			}
		})
	}
}
