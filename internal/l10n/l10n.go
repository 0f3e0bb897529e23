// Package l10n holds confcal's message catalogues, one per language, shared by the hosted
// pages, the embeds and the widget (which loads them from /l10n/{file}). A message's key is
// its English text, so English needs no catalogue; a plural message is keyed by its English
// "other" form and holds one text per CLDR plural category of its language. Dates and plural
// categories come from CLDR through github.com/go-playground/locales; languages are matched
// to a request by golang.org/x/text/language.
package l10n

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/ar"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/ja"
	"github.com/go-playground/locales/pt_BR"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var files embed.FS

// Lang is one language: its catalogue, its CLDR data and the file the widget loads.
type Lang struct {
	Tag  string // BCP 47, as in lang="…": en, de, pt-BR
	Name string // in itself: Deutsch, 日本語
	Dir  string // "ltr" or "rtl"
	msgs map[string]message
	cldr locales.Translator
	file string // the served catalogue's name, "" for English
}

type message struct {
	text  string
	forms map[string]string // by plural category ("one", "few", "other", …)
}

var (
	// English is the language of the keys, and the default.
	English = &Lang{Tag: "en", Name: "English", Dir: "ltr", cldr: en.New()}
	byTag   = map[string]*Lang{"en": English}
	tags    = []language.Tag{language.English}
	list    = []*Lang{English}
	served  = map[string][]byte{}
	matcher language.Matcher
)

func init() {
	for _, l := range []struct {
		tag, name string
		cldr      locales.Translator
	}{{"de", "Deutsch", de.New()}, {"fr", "Français", fr.New()}, {"es", "Español", es.New()}, {"pt-BR", "Português (Brasil)", pt_BR.New()},
		{"ja", "日本語", ja.New()}, {"ar", "العربية", ar.New()}} {
		data, err := files.ReadFile("locales/" + l.tag + ".json")
		if err != nil {
			panic(err)
		}
		lang, body, err := parse(l.tag, data)
		if err != nil {
			panic(err)
		}
		lang.cldr, lang.Name = l.cldr, l.name
		sum := sha256.Sum256(body)
		lang.file = l.tag + "." + hex.EncodeToString(sum[:4]) + ".json"
		served[lang.file] = body
		byTag[l.tag] = lang
		tags = append(tags, language.MustParse(l.tag))
		list = append(list, lang)
	}
	matcher = language.NewMatcher(tags)
}

// parse reads a catalogue: each value is a text, or an object of plural forms. It returns
// the catalogue as served (compacted).
func parse(tag string, data []byte) (*Lang, []byte, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, nil, fmt.Errorf("l10n %s: %w", tag, err)
	}
	l := &Lang{Tag: tag, Dir: "ltr", msgs: make(map[string]message, len(raw))}
	if tag == "ar" {
		l.Dir = "rtl"
	}
	for k, v := range raw {
		var m message
		if err := json.Unmarshal(v, &m.text); err != nil {
			if err := json.Unmarshal(v, &m.forms); err != nil || m.forms["other"] == "" {
				return nil, nil, fmt.Errorf("l10n %s: %q is neither a text nor plural forms with \"other\"", tag, k)
			}
		}
		l.msgs[k] = m
	}
	var body bytes.Buffer
	if err := json.Compact(&body, data); err != nil {
		return nil, nil, err
	}
	return l, body.Bytes(), nil
}

// Get returns the language of a supported tag (as Tag spells it), or nil.
func Get(tag string) *Lang { return byTag[tag] }

// All returns every supported language, English first.
func All() []*Lang { return list }

// Files maps each language with a catalogue to the name of its served file.
func Files() map[string]string {
	out := map[string]string{}
	for _, l := range list {
		if l.file != "" {
			out[l.Tag] = l.file
		}
	}
	return out
}

// File returns a served catalogue by its name.
func File(name string) ([]byte, bool) {
	b, ok := served[path.Base(name)]
	return b, ok && path.Base(name) == name
}

// accepted remembers the language of each Accept-Language value seen, a few hundred at
// most (browsers send a handful of distinct values), so a page request does not parse it.
var (
	accepted     sync.Map // header → *Lang
	acceptedSize atomic.Int32
)

const maxAccepted, maxAcceptedLen = 512, 200

// MatchHeader is Match of an Accept-Language header value, remembered.
func MatchHeader(h string) *Lang {
	if h == "" {
		return English
	}
	if l, ok := accepted.Load(h); ok {
		return l.(*Lang)
	}
	l := Match(h)
	if len(h) <= maxAcceptedLen && acceptedSize.Load() < maxAccepted {
		if _, dup := accepted.LoadOrStore(h, l); !dup {
			acceptedSize.Add(1)
		}
	}
	return l
}

// Match picks the supported language closest to any of the tags given (a ?lang= value, an
// Accept-Language header, …), in order; English when none is close.
func Match(prefs ...string) *Lang {
	var any bool
	for _, p := range prefs {
		any = any || p != ""
	}
	if !any {
		return English
	}
	_, i, conf := matcher.Match(parsePrefs(prefs)...)
	if conf == language.No {
		return English
	}
	return list[i]
}

func parsePrefs(prefs []string) []language.Tag {
	var out []language.Tag
	for _, p := range prefs {
		if p == "" {
			continue
		}
		if t, _, err := language.ParseAcceptLanguage(p); err == nil {
			out = append(out, t...)
		}
	}
	return out
}

// T is the message for key (its English text) in the language, each {name} replaced by the
// value that follows name in kv.
func (l *Lang) T(key string, kv ...any) string {
	s := key
	if m, ok := l.msgs[key]; ok && m.text != "" {
		s = m.text
	}
	return fill(s, kv)
}

// N is a message with a count: other is its English key and plural form, one its English
// singular; {n} is the count as the language writes numbers.
func (l *Lang) N(n int, one, other string, kv ...any) string {
	cat := l.cldr.CardinalPluralRule(float64(n), 0)
	s := other
	if m, ok := l.msgs[other]; ok && m.forms != nil {
		if f, ok := m.forms[strings.ToLower(cat.String())]; ok {
			s = f
		} else {
			s = m.forms["other"]
		}
	} else if l == English && cat == locales.PluralRuleOne {
		s = one
	}
	return fill(s, append(kv, "n", l.Number(n)))
}

// Number writes an integer the way the language does (digits and grouping).
func (l *Lang) Number(n int) string { return l.cldr.FmtNumber(float64(n), 0) }

func fill(s string, kv []any) string {
	if !strings.Contains(s, "{") {
		return s
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(kv[i])+"}", fmt.Sprint(kv[i+1]))
	}
	return s
}

// Forms lists the plural categories the language's CLDR data uses.
func (l *Lang) Forms() []string {
	var out []string
	for _, r := range l.cldr.PluralsCardinal() {
		out = append(out, strings.ToLower(r.String()))
	}
	return out
}

// Keys lists the keys of the language's catalogue.
func (l *Lang) Keys() map[string]map[string]string {
	out := map[string]map[string]string{}
	for k, m := range l.msgs {
		out[k] = m.forms
	}
	return out
}

// Day is a day as a heading names it: "Wednesday, October 23" in English, the language's
// full date elsewhere.
func (l *Lang) Day(t time.Time) string {
	if l == English {
		return t.Format("Monday, January 2")
	}
	return l.cldr.FmtDateFull(t)
}

// Date is a date in the language's long form ("October 23, 2024").
func (l *Lang) Date(t time.Time) string {
	if l == English {
		return t.Format("January 2, 2006")
	}
	return l.cldr.FmtDateLong(t)
}

// DateFull is a date with its weekday and year ("Wednesday, October 23, 2024").
func (l *Lang) DateFull(t time.Time) string {
	if l == English {
		return t.Format("Monday, January 2, 2006")
	}
	return l.cldr.FmtDateFull(t)
}

// DateMedium is a date in the language's medium form ("Oct 23, 2024", "23.10.2024").
func (l *Lang) DateMedium(t time.Time) string { return l.cldr.FmtDateMedium(t) }
