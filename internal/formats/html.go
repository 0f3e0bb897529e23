package formats

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Abstracts and descriptions from frab and pretalx are often HTML ("<p>…</p>", "<a href>"),
// while confcal's text is plain everywhere. htmlTag finds markup of the elements such text
// uses; "Vec<T>", "a < b" or Markdown do not match and stay as they are.
var htmlTag = regexp.MustCompile(`(?i)</?(p|br|a|ul|ol|li|em|strong|b|i|u|s|code|pre|h[1-6]|div|span|blockquote|hr|img|table|tr|td|th|sup|sub|small|del|ins|dl|dt|dd)(\s[^<>]*)?/?>`)

// looksHTML reports whether text is markup to convert.
func looksHTML(s string) bool { return htmlTag.MatchString(s) }

// blocks start and end paragraphs; breaks end a line.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Ul: true, atom.Ol: true, atom.Blockquote: true, atom.Pre: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Table: true, atom.Dl: true, atom.Hr: true,
}

var breaks = map[atom.Atom]bool{atom.Br: true, atom.Li: true, atom.Tr: true, atom.Dt: true, atom.Dd: true}

// htmlToText turns markup into plain text as a reader sees it: paragraphs become blank
// lines, <br> and list items line breaks ("• " before each item), a link its text followed
// by its target in parentheses (unless the text is the target), an image its alt text,
// entities their characters; white space collapses as a browser collapses it, except in
// <pre>; script and style are dropped.
func htmlToText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var w textWriter
	var href string
	linkStart := 0
	pre, skip := 0, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			if skip == 0 {
				w.text(tok.Data, pre > 0)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			switch a := tok.DataAtom; {
			case a == atom.Script || a == atom.Style:
				if tt == html.StartTagToken {
					skip++
				}
			case a == atom.Pre:
				pre++
				w.paragraph()
			case a == atom.A:
				href, linkStart = attrValue(tok, "href"), w.b.Len()
			case a == atom.Img:
				w.text(attrValue(tok, "alt"), false)
			case a == atom.Li:
				w.line()
				w.b.WriteString("• ")
				w.space = false
			case blocks[a]:
				w.paragraph()
			case breaks[a]:
				w.line()
			}
		case html.EndTagToken:
			switch a := tok.DataAtom; {
			case a == atom.Script || a == atom.Style:
				skip = max(skip-1, 0)
			case a == atom.Pre:
				pre = max(pre-1, 0)
				w.paragraph()
			case a == atom.A:
				w.link(href, linkStart)
				href = ""
			case blocks[a]:
				w.paragraph()
			}
		}
	}
	return w.String()
}

func attrValue(t html.Token, name string) string {
	for _, a := range t.Attr {
		if a.Key == name {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

// textWriter collects text with at most one pending space and at most one blank line.
type textWriter struct {
	b     strings.Builder
	space bool // a space is owed before the next word
}

func (w *textWriter) text(s string, pre bool) {
	if pre {
		w.b.WriteString(s)
		return
	}
	for i, f := range strings.Fields(s) {
		if (i > 0 || w.space || startsWithSpace(s)) && w.b.Len() > 0 && !w.atLineStart() {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(f)
		w.space = false
	}
	w.space = strings.TrimRight(s, " \t\n\r\f") != s
}

func startsWithSpace(s string) bool {
	return s != "" && strings.ContainsRune(" \t\n\r\f", rune(s[0]))
}

func (w *textWriter) atLineStart() bool {
	s := w.b.String()
	return strings.HasSuffix(s, "\n") || strings.HasSuffix(s, "• ")
}

// link appends the target of a link whose text starts at offset start, unless the text
// already says it or it is not a web or mail address.
func (w *textWriter) link(href string, start int) {
	if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "mailto:") {
		return
	}
	target := strings.TrimPrefix(href, "mailto:")
	text := strings.TrimSpace(w.b.String()[min(start, w.b.Len()):])
	bare := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(target, "https://"), "http://"), "/")
	switch {
	case text == "":
		w.text(target, false)
	case strings.Contains(text, bare):
	default:
		w.b.WriteString(" (" + target + ")")
	}
}

func (w *textWriter) line() {
	s := w.b.String()
	if s != "" && !strings.HasSuffix(s, "\n") {
		w.b.WriteByte('\n')
	}
	w.space = false
}

func (w *textWriter) paragraph() {
	s := w.b.String()
	switch {
	case s == "" || strings.HasSuffix(s, "\n\n"):
	case strings.HasSuffix(s, "\n"):
		w.b.WriteByte('\n')
	default:
		w.b.WriteString("\n\n")
	}
	w.space = false
}

func (w *textWriter) String() string {
	lines := strings.Split(w.b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
