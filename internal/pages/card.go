package pages

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/l10n"
)

// Card sizes: a 3:1 image that reads well in a README or a blog column.
const (
	cardWidth  = 600
	cardHeight = 200
)

// cardFonts degrade from the platform's UI font to any sans-serif; the image loads nothing.
const cardFonts = `system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif`

// CardOptions choose a card's look and the zone of its time.
type CardOptions struct {
	Dark bool           // the dark palette; the default is light
	Zone *time.Location // nil: the event's zone
	Lang *l10n.Lang     // nil: English
}

// cardPalette holds a card's colours: background, border, text, muted text, the talk line.
type cardPalette struct{ bg, border, fg, muted, talk string }

var (
	lightCard = cardPalette{bg: "#ffffff", border: "#d4d4da", fg: "#1b1b1f", muted: "#55555f", talk: "#4a22d6"}
	darkCard  = cardPalette{bg: "#15151a", border: "#15151a", fg: "#ececf1", muted: "#b9b9c6", talk: "#cbbfff"}
)

// Card writes a speaker card as a standalone SVG image: initials, name, title, their
// session (or "Session to be announced") and the event, with the session's time in the
// event's zone or o.Zone, always naming the zone it is in. Every value is XML-escaped text;
// the image has no script, no links and no external references, so it is safe in <img>,
// Markdown and feeds.
func Card(w io.Writer, s *catalog.Snapshot, id string, o CardOptions) error {
	sp, ok := s.Event.Speaker(id)
	if !ok {
		return agenda.ErrNotFound
	}
	l := o.Lang
	if l == nil {
		l = l10n.English
	}
	zone, whose := s.Zone, l.T("event time")
	if o.Zone != nil && o.Zone.String() != s.Zone.String() {
		zone, whose = o.Zone, strings.ReplaceAll(o.Zone.String(), "_", " ")
	}
	pal := lightCard
	if o.Dark {
		pal = darkCard
	}
	talk, when := l.T("Session to be announced."), dateRange(s.Event, l)
	for _, se := range s.Event.Sessions {
		if se.Status != agenda.StatusCancelled && slices.Contains(se.SpeakerIDs, sp.ID) {
			talk = "“" + se.Title + "”"
			if se.Scheduled() {
				when = se.Start.In(zone).Format("Mon, Jan 2, 15:04 MST")
				if l != l10n.English {
					when = l.DateMedium(se.Start.In(zone)) + ", " + se.Start.In(zone).Format("15:04 MST")
				}
				when += " (" + whose + ")"
			}
			break
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		cardWidth, cardHeight, cardWidth, cardHeight, attr(sp.Name+", "+s.Event.Name))
	b.WriteString("\n<title>" + text(sp.Name+" · "+s.Event.Name) + "</title>\n")
	fmt.Fprintf(&b, `<rect x=".5" y=".5" width="%d" height="%d" rx="16" fill="%s" stroke="%s"/>`+"\n", cardWidth-1, cardHeight-1, pal.bg, pal.border)
	fmt.Fprintf(&b, `<g font-family="%s" fill="%s">`+"\n", attr(cardFonts), pal.fg)
	b.WriteString(`<circle cx="84" cy="84" r="52" fill="#5a31f4"/>` + "\n")
	fmt.Fprintf(&b, `<text x="84" y="100" font-size="40" font-weight="700" text-anchor="middle" fill="#fff">%s</text>`+"\n", text(initials(sp.Name)))
	y := 64
	line := func(s string, size int, weight, fill string, max int) {
		fmt.Fprintf(&b, `<text x="164" y="%d" font-size="%d" font-weight="%s" fill="%s">%s</text>`+"\n", y, size, weight, fill, text(clip(s, max)))
	}
	line(sp.Name, 30, "700", pal.fg, 26)
	y += 32
	for i, l := range wrap(strings.Join(nonEmpty(sp.Title, companyUnlessInTitle(sp)), ", "), 44, 2) {
		if i > 0 {
			y += 22
		}
		line(l, 18, "400", pal.muted, 44)
	}
	y += 30
	line(talk, 16, "600", pal.talk, 42)
	fmt.Fprintf(&b, `<text x="164" y="%d" font-size="14" fill="%s">%s</text>`+"\n", cardHeight-20, pal.muted, text(clip(s.Event.Name+" · "+when, 58)))
	b.WriteString("</g>\n</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// text escapes a value for XML character data; attr for a double-quoted attribute.
func text(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(strings.Map(printable, s)))
	return b.String()
}

func attr(s string) string { return text(s) } // EscapeText also escapes quotes

// printable drops control characters, which XML 1.0 does not allow.
func printable(r rune) rune {
	if r == '\t' || r == '\n' || r == '\r' {
		return ' '
	}
	if unicode.IsControl(r) || r == '\uFFFE' || r == '\uFFFF' {
		return -1
	}
	return r
}

// clip shortens s to max characters with an ellipsis: SVG text does not wrap.
func clip(s string, max int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= max {
		return string(r)
	}
	return strings.TrimRight(string(r[:max-1]), " ,.;:") + "…"
}

// wrap breaks s into at most lines lines of about width characters, the last clipped.
func wrap(s string, width, lines int) []string {
	var out []string
	cur := ""
	for _, w := range strings.Fields(s) {
		if cur != "" && len([]rune(cur))+1+len([]rune(w)) > width {
			out = append(out, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		out = append(out, cur)
	}
	if len(out) > lines {
		out[lines-1] = clip(strings.Join(out[lines-1:], " "), width)
		out = out[:lines]
	}
	return out
}

func initials(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return "?"
	}
	first := []rune(f[0])[:1]
	if len(f) == 1 {
		return strings.ToUpper(string(first))
	}
	return strings.ToUpper(string(first) + string([]rune(f[len(f)-1])[:1]))
}

func companyUnlessInTitle(sp agenda.Speaker) string {
	if sp.Company == "" || strings.Contains(sp.Title, sp.Company) {
		return ""
	}
	return sp.Company
}

func nonEmpty(vals ...string) []string {
	var out []string
	for _, v := range vals {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
