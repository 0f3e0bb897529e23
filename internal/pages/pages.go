// Package pages renders confcal's server-side HTML with html/template: agenda text always
// goes through the template's contextual escaping and never becomes markup.
package pages

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/l10n"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed agenda.css
var css []byte

// CSS returns the stylesheet the pages link to.
func CSS() []byte { return css }

// Renderer renders pages, in every language of package l10n.
type Renderer struct {
	tmpl      map[*l10n.Lang]*langTemplates
	widgetURL string
}

// langTemplates are the templates of one language, parsed when a page is first rendered
// in it. Each language's set is a few thousand objects that every garbage collection
// marks, and most servers render few of the languages.
type langTemplates struct {
	once sync.Once
	t    *template.Template
	err  error
}

// New parses the embedded templates in English, so that a broken template stops the
// start; each other language parses the same text the first time it is asked for, with its
// own t (a message), tn (a message with a count), lang and dir. widgetURL is the path of
// the widget script that enhances the hosted pages.
func New(widgetURL string) (*Renderer, error) {
	r := &Renderer{tmpl: map[*l10n.Lang]*langTemplates{}, widgetURL: widgetURL}
	for _, l := range l10n.All() {
		r.tmpl[l] = &langTemplates{}
	}
	if _, err := r.templates(l10n.English); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Renderer) templates(l *l10n.Lang) (*template.Template, error) {
	lt, ok := r.tmpl[l]
	if !ok { // every language l10n matches is in l10n.All
		return nil, fmt.Errorf("no templates in %s", l.Tag)
	}
	lt.once.Do(func() {
		lt.t, lt.err = template.New("").Funcs(template.FuncMap{"paragraphs": paragraphs, "webcal": webcal,
			"t": l.T, "tn": l.N, "lang": func() string { return l.Tag }, "dir": func() string { return l.Dir },
			"languages": l10n.All}).ParseFS(templateFiles, "templates/*.html")
		if lt.err != nil {
			lt.err = fmt.Errorf("parse templates: %w", lt.err)
		}
	})
	return lt.t, lt.err
}

func (r *Renderer) exec(w io.Writer, l *l10n.Lang, name string, data any) error {
	if l == nil {
		l = l10n.English
	}
	t, err := r.templates(l)
	if err != nil {
		return err
	}
	return t.ExecuteTemplate(w, name, data)
}

// Index renders the list of events.
func (r *Renderer) Index(w io.Writer, snaps []*catalog.Snapshot, l *l10n.Lang) error {
	type item struct {
		Name, URL, Dates, Description string
	}
	var items []item
	for _, s := range snaps {
		items = append(items, item{Name: s.Event.Name, URL: s.PageURL(), Dates: dateRange(s.Event, l), Description: s.Event.Description})
	}
	return r.exec(w, l, "index.html", map[string]any{"Events": items})
}

// Agenda renders an event's hosted agenda page: every day, or when the agenda is paged
// the day asked for ("" for the first) with links to the others.
func (r *Renderer) Agenda(w io.Writer, s *catalog.Snapshot, day string, l *l10n.Lang) error {
	v, err := newAgendaView(s, day, l)
	if err != nil {
		return err
	}
	v.WidgetURL = r.widgetURL
	return r.exec(w, l, "agenda.html", v)
}

// Speakers renders the page that lists an event's speakers: with their bios, or when the
// agenda is paged their names and titles only (their own pages have the rest).
func (r *Renderer) Speakers(w io.Writer, s *catalog.Snapshot, l *l10n.Lang) error {
	var list []speakerView
	for _, sp := range s.Event.Speakers {
		if s.Paged() {
			list = append(list, speakerView{Speaker: agenda.Speaker{ID: sp.ID, Name: sp.Name, Title: sp.Title}, PageURL: speakerURL(s, sp.ID)})
		} else {
			list = append(list, newSpeakerView(s, sp))
		}
	}
	og := newOpenGraph(s, l.T("Speakers")+" · "+s.Event.Name, s.Event.Description, s.PageURL()+"/speakers")
	page := r.subpage(s, og, "Speakers", list, l)
	page["Paged"] = s.Paged()
	return r.exec(w, l, "speakers.html", page)
}

// openGraph is what link previews (and oEmbed discovery) read from a page.
type openGraph struct {
	Site, Title, Description, URL, OEmbed string
}

func newOpenGraph(s *catalog.Snapshot, title, description, pageURL string) openGraph {
	return openGraph{Site: s.Event.Name, Title: title, Description: excerpt(description, 200), URL: pageURL,
		OEmbed: s.BaseURL + "/oembed?" + url.Values{"url": {pageURL}, "format": {"json"}}.Encode()}
}

// Session renders the hosted page of one session.
func (r *Renderer) Session(w io.Writer, s *catalog.Snapshot, id string, l *l10n.Lang) error {
	se, ok := s.Event.Session(id)
	if !ok {
		return agenda.ErrNotFound
	}
	v := newSessionView(s, se, false, l)
	desc := se.Abstract
	if v.When != "" {
		desc = v.When + ". " + desc
	}
	return r.exec(w, l, "session.html", r.subpage(s, newOpenGraph(s, se.Title, desc, v.PageURL), "Session", v, l))
}

// Speaker renders the hosted page of one speaker.
func (r *Renderer) Speaker(w io.Writer, s *catalog.Snapshot, id string, l *l10n.Lang) error {
	sp, ok := s.Event.Speaker(id)
	if !ok {
		return agenda.ErrNotFound
	}
	v := newSpeakerView(s, sp)
	desc := strings.TrimSpace(sp.Title + ". " + sp.Bio)
	page := r.subpage(s, newOpenGraph(s, l.T("{speaker} at {event}", "speaker", sp.Name, "event", s.Event.Name), desc, v.PageURL), "Speaker", v, l)
	page["CardURL"] = v.PageURL + "/card.svg"
	if l != l10n.English {
		page["CardLocale"] = l.Tag // the card in the page's language
	}
	return r.exec(w, l, "speaker.html", page)
}

// subpage is the data of a page about one thing of an event (the "subpage" template).
func (r *Renderer) subpage(s *catalog.Snapshot, og openGraph, key string, item any, l *l10n.Lang) map[string]any {
	return map[string]any{"Event": s.Event, "Dates": dateRange(s.Event, l), "PageURL": s.PageURL(), "WidgetURL": r.widgetURL,
		"OG": og, key: item}
}

// Embed kinds: what an iframe page shows.
const (
	EmbedAgenda  = "agenda"
	EmbedSession = "sessions"
	EmbedSpeaker = "speakers"
)

// Embed renders an iframe page: the agenda, one session or one speaker, without the widget.
// EmbedOptions are what an iframe embed was asked for, passed to the widget that runs in
// it: theme (light, dark or the visitor's), time-zone and locale ("" for the visitor's).
type EmbedOptions struct {
	Theme, Zone, Locale string
	Day                 string // the day a paged agenda shows ("" for the first)
}

func (r *Renderer) Embed(w io.Writer, s *catalog.Snapshot, kind, id string, o EmbedOptions, l *l10n.Lang) error {
	v := map[string]any{"Event": s.Event, "PageURL": s.PageURL(), "WidgetURL": r.widgetURL, "Opts": o}
	switch kind {
	case EmbedAgenda:
		a, err := newAgendaView(s, o.Day, l)
		if err != nil {
			return err
		}
		for i := range a.Nav {
			// The frame's own day links: in the frame, with what the frame was asked for.
			o := o
			o.Day = a.Nav[i].Date
			a.Nav[i].InFrame = true
			a.Nav[i].URL = s.BaseURL + "/embed/" + s.Event.Slug + "/agenda?" + o.Query()
		}
		v["Title"], v["Days"], v["TBA"], v["Zone"], v["Nav"], v["Day"] = s.Event.Name+" · "+l.T("agenda"), a.Days, a.TBA, a.Zone, a.Nav, a.Day
	case EmbedSession:
		se, ok := s.Event.Session(id)
		if !ok {
			return agenda.ErrNotFound
		}
		v["Title"], v["Session"] = se.Title, newSessionView(s, se, false, l)
	case EmbedSpeaker:
		sp, ok := s.Event.Speaker(id)
		if !ok {
			return agenda.ErrNotFound
		}
		sv := newSpeakerView(s, sp)
		v["Title"], v["Speaker"] = sp.Name, &sv
	default:
		return agenda.ErrNotFound
	}
	return r.exec(w, l, "embed.html", v)
}

// Query is the options as an embed's query string.
func (o EmbedOptions) Query() string {
	q := url.Values{}
	for k, v := range map[string]string{"theme": o.Theme, "time-zone": o.Zone, "locale": o.Locale, "day": o.Day} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// excerpt shortens text to about n characters at a word boundary.
func excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len([]rune(text)) <= n {
		return text
	}
	cut := string([]rune(text)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// webcal marks a webcal:// link as safe: html/template only trusts http(s) and mailto, and
// these links are made from the configured base URL, never from agenda data.
func webcal(s string) template.URL {
	if !strings.HasPrefix(s, "webcal://") {
		return template.URL("#")
	}
	return template.URL(s)
}

// paragraphs splits text on blank lines, so abstracts keep their shape as plain text.
func paragraphs(s string) []string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func dateRange(e *agenda.Event, l *l10n.Lang) string {
	first, err1 := time.Parse(time.DateOnly, e.StartDate)
	last, err2 := time.Parse(time.DateOnly, e.EndDate)
	switch {
	case err1 != nil || err2 != nil:
		return e.StartDate + " – " + e.EndDate
	case l != l10n.English && first.Equal(last):
		return l.DateFull(first)
	case l != l10n.English:
		return l.Date(first) + " – " + l.Date(last)
	case first.Equal(last):
		return first.Format("Monday, January 2, 2006")
	case first.Year() == last.Year() && first.Month() == last.Month():
		return first.Format("January 2") + "–" + last.Format("2, 2006")
	default:
		return first.Format("January 2") + " – " + last.Format("January 2, 2006")
	}
}
