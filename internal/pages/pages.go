// Package pages renders confcal's server-side HTML with html/template: agenda text always
// goes through the template's contextual escaping and never becomes markup.
package pages

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed agenda.css
var css []byte

// CSS returns the stylesheet the pages link to.
func CSS() []byte { return css }

// Renderer renders pages.
type Renderer struct {
	tmpl *template.Template
}

// New parses the embedded templates.
func New() (*Renderer, error) {
	t, err := template.New("").Funcs(template.FuncMap{"paragraphs": paragraphs, "webcal": webcal}).ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	return &Renderer{tmpl: t}, nil
}

// Index renders the list of events.
func (r *Renderer) Index(w io.Writer, snaps []*catalog.Snapshot) error {
	type item struct {
		Name, URL, Dates, Description string
	}
	var items []item
	for _, s := range snaps {
		items = append(items, item{Name: s.Event.Name, URL: s.PageURL(), Dates: dateRange(s.Event), Description: s.Event.Description})
	}
	return r.tmpl.ExecuteTemplate(w, "index.html", map[string]any{"Events": items})
}

// Agenda renders an event's hosted agenda page.
func (r *Renderer) Agenda(w io.Writer, s *catalog.Snapshot) error {
	return r.tmpl.ExecuteTemplate(w, "agenda.html", newAgendaView(s))
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

func dateRange(e *agenda.Event) string {
	first, err1 := time.Parse(time.DateOnly, e.StartDate)
	last, err2 := time.Parse(time.DateOnly, e.EndDate)
	switch {
	case err1 != nil || err2 != nil:
		return e.StartDate + " – " + e.EndDate
	case first.Equal(last):
		return first.Format("Monday, January 2, 2006")
	case first.Year() == last.Year() && first.Month() == last.Month():
		return first.Format("January 2") + "–" + last.Format("2, 2006")
	default:
		return first.Format("January 2") + " – " + last.Format("January 2, 2006")
	}
}
