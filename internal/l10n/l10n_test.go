package l10n

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

// used is every message the code asks for: key → whether it is plural.
type used map[string]bool

// jsCalls finds the messages of t(el, …) and tn(el, n, one, other) calls in widget source:
// every string literal among the call's arguments outside its {…} of values (a
// conditional may choose between several keys); for tn the last one is the key.
func jsCalls(t *testing.T, src string, out used) {
	for i := 0; i < len(src); i++ {
		plural := strings.HasPrefix(src[i:], "tn(")
		if !plural && !strings.HasPrefix(src[i:], "t(") || i > 0 && isIdent(src[i-1]) {
			continue
		}
		j := i + strings.IndexByte(src[i:], '(') + 1
		depth, braces := 1, 0
		var lits []string
		for ; j < len(src) && depth > 0; j++ {
			switch c := src[j]; c {
			case '(':
				depth++
			case ')':
				depth--
			case '{':
				braces++
			case '}':
				braces--
			case '\'':
				k := j + 1
				for k < len(src) && src[k] != '\'' {
					if src[k] == '\\' {
						k++
					}
					k++
				}
				if braces == 0 && depth == 1 {
					lits = append(lits, src[j+1:k])
				}
				j = k
			}
		}
		if plural && len(lits) >= 2 {
			out[lits[len(lits)-1]] = true
			continue
		}
		for _, l := range lits {
			out[l] = false
		}
	}
}

func isIdent(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

var (
	tmplT  = regexp.MustCompile(`[{(]t "([^"]+)"`)
	tmplTN = regexp.MustCompile(`tn (?:\([^)]*\)|\S+) "[^"]*" "([^"]*)"`)
	goT    = regexp.MustCompile(`\.T\("([^"]+)"`)
	goN    = regexp.MustCompile(`\.N\([^,]+, "[^"]*", "([^"]+)"`)
)

// usedKeys reads the widget's sources, the page templates and the pages' Go code.
func usedKeys(t *testing.T) used {
	t.Helper()
	out := used{}
	read := func(glob string) []string {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("no files at %s", glob)
		}
		var texts []string
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, string(b))
		}
		return texts
	}
	for _, s := range read("../../widget/src/*.js") {
		if !strings.Contains(s, "export function tn(") { // not i18n.js itself
			jsCalls(t, s, out)
		}
	}
	for _, s := range read("../pages/templates/*.html") {
		for _, m := range tmplT.FindAllStringSubmatch(s, -1) {
			out[m[1]] = false
		}
		for _, m := range tmplTN.FindAllStringSubmatch(s, -1) {
			out[m[1]] = true
		}
	}
	for _, s := range read("../pages/*.go") {
		for _, m := range goT.FindAllStringSubmatch(s, -1) {
			out[m[1]] = false
		}
		for _, m := range goN.FindAllStringSubmatch(s, -1) {
			out[m[1]] = true
		}
	}
	// Session kinds are shown translated (t(el, s.kind), l.T(kind)).
	for _, k := range []agenda.Kind{agenda.KindKeynote, agenda.KindTalk, agenda.KindPanel, agenda.KindLightning, agenda.KindBreak} {
		out[string(k)] = false
	}
	return out
}

// Every catalogue has exactly the messages the code uses: each plural one with a form for
// every plural category of its language (CLDR), each with the same {placeholders} as its
// English key.
func TestCataloguesMatchTheCode(t *testing.T) {
	keys := usedKeys(t)
	if len(keys) < 100 {
		t.Fatalf("only %d messages found in the code", len(keys))
	}
	if os.Getenv("L10N_KEYS") != "" {
		var all []string
		for k, p := range keys {
			if p {
				k = "PLURAL " + k
			}
			all = append(all, k)
		}
		sort.Strings(all)
		t.Log("\n" + strings.Join(all, "\n"))
	}
	ph := regexp.MustCompile(`\{\w+\}`)
	holders := func(s string) []string {
		h := ph.FindAllString(s, -1)
		slices.Sort(h)
		return slices.Compact(h)
	}
	for _, l := range All()[1:] {
		cat := l.Keys()
		for k, plural := range keys {
			forms, ok := cat[k]
			switch {
			case !ok:
				t.Errorf("%s: no message for %q", l.Tag, k)
				continue
			case plural != (forms != nil):
				t.Errorf("%s: %q is plural in the code: %v, in the catalogue: %v", l.Tag, k, plural, forms != nil)
				continue
			}
			want := holders(k)
			if !plural {
				if got := holders(l.T(k)); !slices.Equal(got, want) {
					t.Errorf("%s: %q has placeholders %v, want %v", l.Tag, k, got, want)
				}
				continue
			}
			for _, f := range l.Forms() {
				if forms[f] == "" {
					t.Errorf("%s: %q has no %q form", l.Tag, k, f)
				}
			}
			for f, text := range forms {
				// A form may leave the count out ("one session", "لا جلسات").
				if got := holders(text); !slices.Equal(got, want) && !slices.Equal(got, slices.DeleteFunc(slices.Clone(want), func(s string) bool { return s == "{n}" })) {
					t.Errorf("%s: %q form %s has placeholders %v, want %v", l.Tag, k, f, got, want)
				}
			}
		}
		for k := range cat {
			if _, ok := keys[k]; !ok {
				t.Errorf("%s: %q is used nowhere", l.Tag, k)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		prefs []string
		want  string
	}{
		{nil, "en"},
		{[]string{"", ""}, "en"},
		{[]string{"de"}, "de"},
		{[]string{"", "de-AT,de;q=0.9,en;q=0.5"}, "de"},
		{[]string{"", "pt-PT"}, "pt-BR"},
		{[]string{"", "pt"}, "pt-BR"},
		{[]string{"", "ja-JP"}, "ja"},
		{[]string{"", "ar-EG,ar;q=0.9"}, "ar"},
		{[]string{"", "zh-CN"}, "en"},
		{[]string{"fr", "de"}, "fr"},
		{[]string{"", "*"}, "en"},
		{[]string{"", "x;;;=="}, "en"},
	} {
		if got := Match(c.prefs...).Tag; got != c.want {
			t.Errorf("Match(%q) = %s, want %s", c.prefs, got, c.want)
		}
	}
}

func TestPluralsAndDates(t *testing.T) {
	day := time.Date(2024, 10, 23, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		tag      string
		n        int
		count    string
		dateHas  string
		dateFull string
	}{
		{"en", 1, "1 session", "October", "Wednesday, October 23"},
		{"en", 400, "400 sessions", "October", "Wednesday, October 23"},
		{"de", 1, "1 Session", "Oktober", "Mittwoch"},
		{"de", 2000, "2.000 Sessions", "Oktober", "Mittwoch"},
		{"fr", 0, "0 session", "octobre", "mercredi"},
		{"ja", 3, "3 件のセッション", "10月", "水曜日"},
		{"ar", 2, "جلستان", "أكتوبر", "الأربعاء"},
		{"ar", 5, "5 جلسات", "أكتوبر", "الأربعاء"},
	} {
		l := Get(c.tag)
		if got := l.N(c.n, "{n} session", "{n} sessions"); got != c.count {
			t.Errorf("%s: %d sessions = %q, want %q", c.tag, c.n, got, c.count)
		}
		if got := l.Date(day); !strings.Contains(got, c.dateHas) {
			t.Errorf("%s: date %q lacks %q", c.tag, got, c.dateHas)
		}
		if got := l.Day(day); !strings.Contains(got, c.dateFull) {
			t.Errorf("%s: day %q lacks %q", c.tag, got, c.dateFull)
		}
	}
	if Get("ar").Dir != "rtl" || Get("de").Dir != "ltr" {
		t.Error("directions")
	}
	for tag, name := range Files() {
		b, ok := File(name)
		if !ok || len(b) == 0 || !strings.HasPrefix(name, tag+".") {
			t.Errorf("%s: file %s not served", tag, name)
		}
	}
	if _, ok := File("../de.json"); ok {
		t.Error("a path served a file")
	}
}

// Accept-Language values are remembered up to a bound; past it they are still matched.
func TestMatchHeaderIsBounded(t *testing.T) {
	for i := range 2 * maxAccepted {
		h := "de-DE;q=0.9, x-" + strconv.Itoa(i)
		if got := MatchHeader(h); got.Tag != "de" {
			t.Fatalf("%q: %s", h, got.Tag)
		}
	}
	if n := acceptedSize.Load(); n > maxAccepted {
		t.Errorf("%d values remembered, bound %d", n, maxAccepted)
	}
	if MatchHeader(strings.Repeat("fr,", 100)).Tag != "fr" || MatchHeader("").Tag != "en" {
		t.Error("long or empty headers")
	}
}
