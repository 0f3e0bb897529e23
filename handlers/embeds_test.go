package handlers_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/synth"
)

func TestWidgetScript(t *testing.T) {
	e := newEnv(t)
	w := e.do("GET", "/widget.js", "")
	want(t, w, http.StatusOK)
	if ct := w.Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := w.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=300") {
		t.Errorf("Cache-Control = %q", cc)
	}
	etag := w.Header().Get("ETag")
	want(t, e.do("GET", "/widget.js", "", "If-None-Match", etag), http.StatusNotModified)
	gz := e.do("GET", "/widget.js", "", "Accept-Encoding", "gzip")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= w.Body.Len()/2 {
		t.Errorf("gzip: %q, %d of %d bytes", gz.Header().Get("Content-Encoding"), gz.Body.Len(), w.Body.Len())
	}
	// The hosted page pins the content-hashed URL, cached for good.
	page := e.do("GET", "/events/p99conf-24", "").Body.String()
	i := strings.Index(page, `<script src="/widget/`)
	if i < 0 {
		t.Fatal("hosted page does not load the widget")
	}
	pinned := page[i+len(`<script src="`):]
	pinned = pinned[:strings.IndexByte(pinned, '"')]
	p := e.do("GET", pinned, "")
	want(t, p, http.StatusOK)
	if cc := p.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("pinned Cache-Control = %q", cc)
	}
	if p.Body.String() != w.Body.String() {
		t.Error("pinned and latest widget differ")
	}
	want(t, e.do("GET", "/widget/0123456789abcdef.js", ""), http.StatusNotFound)
}

func TestSessionAndSpeakerPages(t *testing.T) {
	e := newEnv(t)
	w := e.do("GET", "/events/p99conf-24/sessions/wenger-rust-io-uring-ktls", "")
	want(t, w, http.StatusOK)
	page := w.Body.String()
	oembed := base + "/oembed?" + url.Values{"format": {"json"}, "url": {base + "/events/p99conf-24/sessions/wenger-rust-io-uring-ktls"}}.Encode()
	for _, s := range []string{
		`<meta property="og:title" content="Rust &#43; io_uring &#43; ktls: how fast can we make HTTP?">`,
		`<meta property="og:url" content="` + base + `/events/p99conf-24/sessions/wenger-rust-io-uring-ktls">`,
		`<link rel="alternate" type="application/json+oembed" href="` + strings.ReplaceAll(oembed, "&", "&amp;") + `"`,
		// The page's own h1, outside the element, stays when the widget enhances the page.
		"<h1 dir=\"auto\" class=\"session-title\">Rust &#43; io_uring &#43; ktls: how fast can we make HTTP?</h1>\n" +
			`<confcal-session event="p99conf-24" session="wenger-rust-io-uring-ktls" heading="hide">`,
		`Wednesday, October 23 · 10:00–10:25 PDT`, "Amos Wenger",
	} {
		if !strings.Contains(page, s) {
			t.Errorf("session page lacks %q", s)
		}
	}
	w = e.do("GET", "/events/p99conf-24/speakers/gunnar-morling", "")
	want(t, w, http.StatusOK)
	page = w.Body.String()
	for _, s := range []string{`<meta property="og:title" content="Gunnar Morling at P99 CONF 24">`, "Session to be announced.",
		"<h1 dir=\"auto\">Gunnar Morling</h1>\n" + `<confcal-speaker event="p99conf-24" speaker="gunnar-morling" heading="hide">`,
		`application/json+oembed`, `<img src="` + base + `/events/p99conf-24/speakers/gunnar-morling/card.svg"`} {
		if !strings.Contains(page, s) {
			t.Errorf("speaker page lacks %q", s)
		}
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("hosted pages must not be framed: %q", csp)
	}
	want(t, e.do("GET", "/events/p99conf-24/speakers/nobody", ""), http.StatusNotFound)
	want(t, e.do("GET", "/events/p99conf-24/sessions/nothing", ""), http.StatusNotFound)
}

func TestEmbedPages(t *testing.T) {
	e := newEnv(t)
	for path, text := range map[string]string{
		"/embed/p99conf-24/agenda":                                   "You’re Doing it All Wrong",
		"/embed/p99conf-24/sessions/stonebraker-doing-it-all-wrong":  "Michael Stonebraker",
		"/embed/p99conf-24/speakers/liz-rice":                        "Session to be announced.",
		"/embed/p99conf-24/speakers/pavlo-databases-and-operating-s": "",
	} {
		w := e.do("GET", path, "")
		if text == "" {
			want(t, w, http.StatusNotFound)
			continue
		}
		want(t, w, http.StatusOK)
		page := w.Body.String()
		if !strings.Contains(page, text) || !strings.Contains(page, `<script src="/embed.js" async></script>`) ||
			!strings.Contains(page, `<base target="_blank">`) {
			t.Errorf("%s: missing content, resize script or link target", path)
		}
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "'unsafe") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if w.Header().Get("X-Frame-Options") != "" {
			t.Errorf("%s: X-Frame-Options forbids framing", path)
		}
	}
	want(t, e.do("GET", "/embed/p99conf-24/agenda/x", ""), http.StatusNotFound)
	want(t, e.do("GET", "/embed/p99conf-24/sessions", ""), http.StatusNotFound)
	want(t, e.do("GET", "/embed/nope/agenda", ""), http.StatusNotFound)
	// Theme, time zone and locale reach the widget in the frame, checked first.
	w := e.do("GET", "/embed/p99conf-24/agenda?theme=dark&time-zone=Europe/Berlin&locale=pt-BR", "")
	want(t, w, http.StatusOK)
	for _, s := range []string{`<body class="embed" data-theme="dark">`,
		`<confcal-agenda event="p99conf-24" heading="hide" theme="dark" time-zone="Europe/Berlin" locale="pt-BR">`, `<script src="/widget/`} {
		if !strings.Contains(w.Body.String(), s) {
			t.Errorf("embed with options lacks %q", s)
		}
	}
	w = e.do("GET", "/embed/p99conf-24/sessions/stonebraker-doing-it-all-wrong?time-zone=Asia/Tokyo", "")
	if !strings.Contains(w.Body.String(), `<confcal-session event="p99conf-24" session="stonebraker-doing-it-all-wrong" time-zone="Asia/Tokyo">`) {
		t.Errorf("session embed: %s", w.Body.String())
	}
	for query, field := range map[string]string{"theme=sepia": "theme", "time-zone=Nowhere/Land": "time-zone", "locale=%22%3E%3Cscript%3E": "locale", "locale=en_US": "locale"} {
		w := e.do("GET", "/embed/p99conf-24/agenda?"+query, "")
		want(t, w, http.StatusBadRequest)
		if !strings.Contains(w.Body.String(), field+":") {
			t.Errorf("%s: error %s does not name %s", query, w.Body.String(), field)
		}
	}
	js := e.do("GET", "/embed.js", "")
	want(t, js, http.StatusOK)
	if !strings.Contains(js.Body.String(), "postMessage") {
		t.Error("embed.js does not report the height")
	}
}

// oEmbed 1.0: type rich needs version, type, html, width and height; the rest we give too.
func TestOEmbed(t *testing.T) {
	e := newEnv(t)
	get := func(q url.Values) (int, map[string]any) {
		w := e.do("GET", "/oembed?"+q.Encode(), "")
		var m map[string]any
		json.Unmarshal(w.Body.Bytes(), &m)
		return w.Code, m
	}
	session := base + "/events/p99conf-24/sessions/pavlo-databases-and-operating-systems"
	code, m := get(url.Values{"url": {session}, "format": {"json"}})
	if code != http.StatusOK {
		t.Fatalf("status %d: %v", code, m)
	}
	for _, k := range []string{"version", "type", "html", "width", "height", "title", "provider_name", "provider_url"} {
		if _, ok := m[k]; !ok {
			t.Errorf("response lacks %q: %v", k, m)
		}
	}
	if m["version"] != "1.0" || m["type"] != "rich" || m["width"] != 600.0 || m["height"] != 320.0 {
		t.Errorf("response = %v", m)
	}
	if html, _ := m["html"].(string); !strings.HasPrefix(html, `<iframe src="`+base+`/embed/p99conf-24/sessions/pavlo-databases-and-operating-systems" width="600" height="320"`) {
		t.Errorf("html = %q", html)
	}
	// maxwidth and maxheight shrink the frame, never grow it.
	_, m = get(url.Values{"url": {session}, "maxwidth": {"400"}, "maxheight": {"900"}})
	if m["width"] != 400.0 || m["height"] != 320.0 {
		t.Errorf("with maxwidth 400, maxheight 900: %v × %v", m["width"], m["height"])
	}
	// Speakers, the agenda, and the agenda's old anchors resolve.
	for u, src := range map[string]string{
		base + "/events/p99conf-24/speakers/liz-rice":         "/embed/p99conf-24/speakers/liz-rice",
		base + "/events/p99conf-24":                           "/embed/p99conf-24/agenda",
		base + "/events/p99conf-24#speaker-andy-pavlo":        "/embed/p99conf-24/speakers/andy-pavlo",
		"https://confcal.test/events/p99conf-24#session-nope": "",
	} {
		code, m := get(url.Values{"url": {u}})
		if src == "" {
			if code != http.StatusNotFound {
				t.Errorf("%s: status %d", u, code)
			}
			continue
		}
		if html, _ := m["html"].(string); code != http.StatusOK || !strings.Contains(html, base+src+`"`) {
			t.Errorf("%s: %d %v", u, code, m)
		}
	}
	for q, status := range map[string]int{
		"url=https%3A%2F%2Fexample.org%2Fevents%2Fp99conf-24": http.StatusNotFound,
		"url=" + url.QueryEscape(session) + "&format=xml":     http.StatusNotImplemented,
		"url=" + url.QueryEscape(session) + "&maxwidth=wide":  http.StatusBadRequest,
		"": http.StatusBadRequest,
	} {
		if w := e.do("GET", "/oembed?"+q, ""); w.Code != status {
			t.Errorf("?%s: status %d, want %d", q, w.Code, status)
		}
	}
}

func TestSpeakerCardSVG(t *testing.T) {
	ev, _ := bundled.Event()
	e := newEnv(t, ev, synth.Hostile())
	w := e.do("GET", "/events/p99conf-24/speakers/andy-pavlo/card.svg", "")
	want(t, w, http.StatusOK)
	if ct := w.Header().Get("Content-Type"); ct != "image/svg+xml; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	svg := checkSVG(t, w.Body.String())
	for _, s := range []string{"Andy Pavlo", "CMU professor", "The Next Chapter", "P99 CONF 24"} {
		if !strings.Contains(svg, s) {
			t.Errorf("card lacks %q", s)
		}
	}
	// A hostile speaker's text stays text: the XML parses, and no element or attribute
	// beyond our own appears.
	w = e.do("GET", "/events/hostile/speakers/eve/card.svg", "")
	want(t, w, http.StatusOK)
	text := checkSVG(t, w.Body.String())
	if !strings.Contains(text, `Eve "<script>" O'Hacker`) {
		t.Errorf("hostile name not shown as text: %q", text)
	}
	want(t, e.do("GET", "/events/p99conf-24/speakers/nobody/card.svg", ""), http.StatusNotFound)
}

// Cards are light unless asked for dark, and name the zone of their time: the event's by
// default, or the one asked for.
func TestSpeakerCardThemeAndZone(t *testing.T) {
	e := newEnv(t)
	card := func(query string) string {
		t.Helper()
		w := e.do("GET", "/events/p99conf-24/speakers/andy-pavlo/card.svg"+query, "")
		want(t, w, http.StatusOK)
		checkSVG(t, w.Body.String())
		return w.Body.String()
	}
	for query, wants := range map[string][]string{
		"":                                   {`fill="#ffffff"`, "Wed, Oct 23, 10:00 PDT (event time)"},
		"?theme=light":                       {`fill="#ffffff"`},
		"?theme=dark":                        {`fill="#15151a"`, "Wed, Oct 23, 10:00 PDT (event time)"},
		"?time-zone=Europe/Berlin":           {`fill="#ffffff"`, "Wed, Oct 23, 19:00 CEST (Europe/Berlin)"},
		"?theme=dark&time-zone=Asia/Kolkata": {`fill="#15151a"`, "Wed, Oct 23, 22:30 IST (Asia/Kolkata)"},
		"?time-zone=America/Los_Angeles":     {"PDT (event time)"},
		// In the language asked for, Accept-Language aside (an image is the same for all).
		"?locale=de":                      {"P99 CONF 24 · 23.10.2024, 10:00 PDT (Veranstaltungszeit)<"},
		"?locale=ja&time-zone=Asia/Tokyo": {"2024/10/24, 02:00 JST (Asia/Tokyo)<"},
	} {
		svg := card(query)
		for _, s := range wants {
			if !strings.Contains(svg, s) {
				t.Errorf("card%s lacks %q:\n%s", query, s, svg)
			}
		}
	}
	for query, field := range map[string]string{"?theme=blue": "theme", "?time-zone=Mars/Olympus": "time-zone", "?time-zone=Local": "time-zone"} {
		w := e.do("GET", "/events/p99conf-24/speakers/andy-pavlo/card.svg"+query, "")
		want(t, w, http.StatusBadRequest)
		if !strings.Contains(w.Body.String(), field+":") {
			t.Errorf("%s: error %s does not name %s", query, w.Body.String(), field)
		}
	}
}

// checkSVG parses an SVG with encoding/xml, allows only the elements and attributes a
// card uses (no script, no links, no external references), and returns its text.
func checkSVG(t *testing.T, doc string) string {
	t.Helper()
	allowed := map[string]bool{"svg": true, "title": true, "rect": true, "g": true, "circle": true, "text": true}
	d := xml.NewDecoder(strings.NewReader(doc))
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("card is not well-formed XML: %v\n%s", err, doc)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			if !allowed[v.Name.Local] {
				t.Errorf("card holds a <%s> element", v.Name.Local)
			}
			for _, a := range v.Attr {
				if strings.HasPrefix(a.Name.Local, "on") || a.Name.Local == "href" || strings.Contains(a.Value, "url(") {
					t.Errorf("card holds attribute %s=%q", a.Name.Local, a.Value)
				}
			}
		case xml.CharData:
			text.Write(v)
		}
	}
	return text.String()
}
