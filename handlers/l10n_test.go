package handlers_test

import (
	"encoding/json"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/l10n"
)

// Every hosted page and embed is written in each language: ?lang= (pages) or ?locale=
// (embeds) first, then Accept-Language, else English; the html element says which, and in
// which direction.
func TestPagesInEveryLanguage(t *testing.T) {
	e := newEnv(t)
	for _, l := range l10n.All() {
		for _, path := range []string{"/events/p99conf-24?lang=" + l.Tag, "/events/p99conf-24/sessions/" + wenger + "?lang=" + l.Tag,
			"/events/p99conf-24/speakers/liz-rice?lang=" + l.Tag, "/events/p99conf-24/speakers?lang=" + l.Tag, "/?lang=" + l.Tag,
			"/embed/p99conf-24/agenda?locale=" + l.Tag} {
			w := e.do("GET", path, "")
			want(t, w, http.StatusOK)
			body := w.Body.String()
			if !strings.Contains(body, `<html lang="`+l.Tag+`" dir="`+l.Dir+`">`) {
				t.Errorf("%s: not marked as %s (%s)", path, l.Tag, l.Dir)
			}
			word := "Full agenda"
			switch {
			case strings.HasPrefix(path, "/events/p99conf-24?"):
				word = "Subscribe"
			case strings.HasPrefix(path, "/events/p99conf-24/speakers?"):
				word = "Speakers"
			case strings.HasPrefix(path, "/?"):
				word = "Events"
			case strings.HasPrefix(path, "/embed/"):
				word = "agenda by confcal"
			}
			if !strings.Contains(body, html.EscapeString(l.T(word))) {
				t.Errorf("%s: no %q", path, l.T(word))
			}
			if l != l10n.English && strings.Contains(body, ">"+word+"<") {
				t.Errorf("%s: still says %q in English", path, word)
			}
		}
	}
	// The German agenda names its days and counts in German.
	w := e.do("GET", "/events/p99conf-24?lang=de", "")
	for _, s := range []string{"Mittwoch, 23. Oktober 2024", "Abonnieren", "Alle Zeiten in PDT (America/Los_Angeles).", "Vortrag"} {
		if !strings.Contains(w.Body.String(), s) {
			t.Errorf("the German agenda lacks %q", s)
		}
	}
}

func TestLanguageNegotiation(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		path, accept, want string
		vary               bool
	}{
		{"/events/p99conf-24", "", "en", true},
		{"/events/p99conf-24", "de-AT,de;q=0.9,en;q=0.5", "de", true},
		{"/events/p99conf-24", "pt-PT,pt;q=0.8", "pt-BR", true},
		{"/events/p99conf-24", "zh-CN,zh;q=0.9", "en", true},
		{"/events/p99conf-24", "ar-EG", "ar", true},
		{"/events/p99conf-24?lang=fr", "de", "fr", false},
		{"/events/p99conf-24?lang=ja-JP", "", "ja", false},
		{"/embed/p99conf-24/sessions/" + wenger, "es-MX", "es", true},
		{"/embed/p99conf-24/sessions/" + wenger + "?locale=de", "es-MX", "de", false},
	} {
		w := e.do("GET", c.path, "", "Accept-Language", c.accept)
		want(t, w, http.StatusOK)
		if !strings.Contains(w.Body.String(), `<html lang="`+c.want+`"`) {
			t.Errorf("%s with Accept-Language %q: not in %s", c.path, c.accept, c.want)
		}
		if got := strings.Contains(w.Header().Get("Vary"), "Accept-Language"); got != c.vary {
			t.Errorf("%s: Vary %q", c.path, w.Header().Get("Vary"))
		}
		// Each language is its own kept page, with its own validators.
		if etag := w.Header().Get("ETag"); etag != "" {
			want(t, e.do("GET", c.path, "", "Accept-Language", c.accept, "If-None-Match", etag), http.StatusNotModified)
		}
	}
	w := e.do("GET", "/events/p99conf-24?lang=%3Cscript%3E", "")
	want(t, w, http.StatusBadRequest)
	if !strings.Contains(w.Body.String(), "lang:") {
		t.Errorf("the 400 does not name lang: %s", w.Body.String())
	}
}

// The widget's catalogues are served under content-hashed names, cached for good, to any
// origin, and parse as JSON; other names are 404.
func TestLanguageFiles(t *testing.T) {
	e := newEnv(t)
	files := l10n.Files()
	if len(files) != len(l10n.All())-1 {
		t.Fatalf("%d files for %d languages", len(files), len(l10n.All()))
	}
	for tag, name := range files {
		w := e.do("GET", "/l10n/"+name, "", "Origin", "https://sponsor.example")
		want(t, w, http.StatusOK)
		var cat map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &cat); err != nil || len(cat) < 100 {
			t.Errorf("%s: %d messages, %v", name, len(cat), err)
		}
		h := w.Header()
		if !strings.Contains(h.Get("Cache-Control"), "immutable") || h.Get("Access-Control-Allow-Origin") != "*" ||
			h.Get("Cross-Origin-Resource-Policy") != "cross-origin" || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Errorf("%s (%s): headers %v", name, tag, h)
		}
		if cat["Subscribe"] != l10n.Get(tag).T("Subscribe") {
			t.Errorf("%s: Subscribe = %v", name, cat["Subscribe"])
		}
	}
	want(t, e.do("GET", "/l10n/de.json", ""), http.StatusNotFound)
	want(t, e.do("GET", "/l10n/..%2Fde.json", ""), http.StatusNotFound)
}
