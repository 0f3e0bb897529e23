package handlers_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/emersion/go-ical"
	"golang.org/x/net/html"

	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/l10n"
	"github.com/confcal/confcal/internal/synth"
)

// maxPage is the most HTML one hosted page of a large agenda may weigh.
const maxPage = 400 << 10

// pageLinks parses an HTML page: the ids of its elements and the targets of its links.
func pageLinks(t *testing.T, body []byte) (ids map[string]bool, hrefs []string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ids = map[string]bool{}
	for n := range doc.Descendants() {
		for _, a := range n.Attr {
			switch {
			case a.Key == "id":
				ids[a.Val] = true
			case a.Key == "href" && n.Data == "a":
				hrefs = append(hrefs, a.Val)
			}
		}
	}
	return ids, hrefs
}

// A 2,000-session, 16-track, 5-day agenda is served one day per page: each page within
// 400 KB, every day reachable from every page by plain links, every session on exactly one
// day's page, its own page with what the day pages leave out, and the feeds' links to
// sessions landing on their anchors.
func TestLargeAgendaIsPagedByDay(t *testing.T) {
	ev := synth.Event(synth.Options{Slug: "big", Sessions: 2000, Tracks: 16, Rooms: 16, Days: 5})
	e := newEnv(t, ev)
	page := base + "/events/big"
	get := func(path string) []byte {
		t.Helper()
		w := e.do("GET", strings.TrimPrefix(path, base), "")
		want(t, w, http.StatusOK)
		if n := w.Body.Len(); n > maxPage {
			t.Errorf("%s: %d bytes of HTML, over %d", path, n, maxPage)
		}
		return w.Body.Bytes()
	}

	_, front := pageLinks(t, get(page))
	var dayPages []string
	for _, h := range front {
		if strings.HasPrefix(h, page+"/days/") {
			dayPages = append(dayPages, h)
		}
	}
	if len(dayPages) != 5 {
		t.Fatalf("the event page links %d day pages, want 5: %q", len(dayPages), dayPages)
	}
	if !strings.Contains(strings.Join(front, " "), page+"/speakers") {
		t.Error("the event page does not link the speakers page")
	}
	onDay := map[string]string{} // anchor → day page
	for _, d := range dayPages {
		body := get(d)
		ids, hrefs := pageLinks(t, body)
		links := strings.Join(hrefs, " ")
		for _, other := range dayPages {
			if !strings.Contains(links, other) {
				t.Errorf("%s does not link %s", d, other)
			}
		}
		if n := bytes.Count(body, []byte(`aria-current="page"`)); n != 1 {
			t.Errorf("%s marks %d days as current", d, n)
		}
		for id := range ids {
			if strings.HasPrefix(id, "session-") {
				if prev, dup := onDay[id]; dup {
					t.Errorf("%s is on %s and %s", id, prev, d)
				}
				onDay[id] = d
			}
		}
		if bytes.Contains(body, []byte("action=TEMPLATE")) || bytes.Contains(body, []byte("<details><summary>Abstract")) {
			t.Errorf("%s carries abstracts or web-calendar links, which are the session pages'", d)
		}
	}
	scheduled := 0
	for _, s := range ev.Sessions {
		if s.Scheduled() {
			scheduled++
			if onDay["session-"+s.ID] == "" {
				t.Errorf("session %s is on no day's page", s.ID)
			}
		}
	}
	if len(onDay) != scheduled {
		t.Errorf("%d sessions on the day pages, want %d", len(onDay), scheduled)
	}

	// The speakers' page lists everyone, linking their own pages.
	_, hrefs := pageLinks(t, get(page+"/speakers"))
	if n := strings.Count(strings.Join(hrefs, " "), page+"/speakers/"); n != len(ev.Speakers) {
		t.Errorf("the speakers page links %d speakers, want %d", n, len(ev.Speakers))
	}

	// A session's own page has the abstract and every calendar target.
	s := ev.Sessions[0]
	one := string(get(page + "/sessions/" + s.ID))
	for _, w := range []string{"calendar.google.com", "outlook.live.com", "outlook.office.com", ".ics", html.EscapeString(strings.Fields(s.Abstract)[0])} {
		if !strings.Contains(one, w) {
			t.Errorf("the session page lacks %q", w)
		}
	}

	// The feed's URL of each session is its anchor on its day's page (a track's feed: the
	// whole event's is shortened to fit, without URLs).
	track := ev.Tracks[0].ID
	w := e.do("GET", "/events/big/tracks/"+track+".ics", "")
	want(t, w, http.StatusOK)
	cal, err := ical.NewDecoder(w.Body).Decode()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range cal.Events() {
		p := c.Props.Get(ical.PropURL)
		if p == nil || p.Value == "" {
			t.Fatal("an event has no URL")
		}
		u := p.Value
		d, anchor, _ := strings.Cut(u, "#")
		if onDay[anchor] != d {
			t.Errorf("the feed links %s, which is not where %s is (%q)", u, anchor, onDay[anchor])
		}
		checked++
	}
	onTrack := 0
	for _, s := range ev.Sessions {
		if s.Scheduled() && s.TrackID == track {
			onTrack++
		}
	}
	if checked != onTrack {
		t.Errorf("%d feed events checked, want %d", checked, onTrack)
	}

	// In every language the pages stay within the bound (German and Arabic run longer).
	for _, l := range l10n.All() {
		for _, p := range []string{page, dayPages[4], page + "/speakers"} {
			get(p + "?lang=" + l.Tag)
		}
	}

	// Days that are not the event's, and malformed ones, are not pages.
	want(t, e.do("GET", "/events/big/days/2031-01-01", ""), http.StatusNotFound)
	want(t, e.do("GET", "/events/big/days/monday", ""), http.StatusNotFound)
	// The iframe page is paged the same way, its day links staying in the frame.
	w = e.do("GET", "/embed/big/agenda?day="+strings.TrimPrefix(dayPages[2], page+"/days/")+"&theme=dark", "")
	want(t, w, http.StatusOK)
	if b := w.Body.String(); len(b) > maxPage || !strings.Contains(b, `<a href="`+base+`/embed/big/agenda?day=`) ||
		!strings.Contains(b, `&amp;theme=dark" target="_self"`) {
		t.Errorf("the paged embed is %d bytes, or its day links leave the frame or its theme", len(b))
	}
	want(t, e.do("GET", "/embed/big/agenda?day=tuesday", ""), http.StatusBadRequest)
}

// An agenda of up to OnePageAt sessions stays on one page, with speakers' bios and every
// calendar link, and its day pages show the same.
func TestSmallAgendaStaysOnOnePage(t *testing.T) {
	ev := synth.Event(synth.Options{Slug: "small", Sessions: catalog.OnePageAt, Tracks: 4, Days: 2})
	e := newEnv(t, ev)
	w := e.do("GET", "/events/small", "")
	want(t, w, http.StatusOK)
	body := w.Body.String()
	if strings.Contains(body, `<nav class="days"`) || !strings.Contains(body, "calendar.google.com") || !strings.Contains(body, `id="speakers"`) {
		t.Error("a small agenda is paged")
	}
	ids, _ := pageLinks(t, w.Body.Bytes())
	for _, s := range ev.Sessions {
		if !ids["session-"+s.ID] {
			t.Errorf("session %s is not on the event page", s.ID)
		}
	}
	want(t, e.do("GET", "/events/small/speakers", ""), http.StatusOK)
}
