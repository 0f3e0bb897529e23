package agenda

import (
	"fmt"
	"strings"
	"unicode"
)

// Tidy normalises every text field of an event in place, before anything is stored, and
// merges speakers listed twice on one session. It returns a warning for each decision a
// reader of the document would want to know about: separators that became line breaks and
// invisible characters that were removed (one warning per kind, with how many and where
// the first was), and each repeated speaker. Ids are left as they are: they are checked,
// not changed.
func Tidy(e *Event) Problems {
	t := tidier{}
	t.line("name", &e.Name)
	t.text("description", &e.Description)
	t.line("location", &e.Location)
	t.line("registrationLabel", &e.RegistrationLabel)
	for i := range e.Tracks {
		at := fmt.Sprintf("tracks[%d]", i)
		t.line(at+".name", &e.Tracks[i].Name)
		t.text(at+".description", &e.Tracks[i].Description)
	}
	for i := range e.Rooms {
		at := fmt.Sprintf("rooms[%d]", i)
		t.line(at+".name", &e.Rooms[i].Name)
		t.text(at+".description", &e.Rooms[i].Description)
	}
	for i := range e.Speakers {
		sp := &e.Speakers[i]
		at := fmt.Sprintf("speakers[%d]", i)
		t.line(at+".name", &sp.Name)
		t.line(at+".title", &sp.Title)
		t.line(at+".company", &sp.Company)
		t.text(at+".bio", &sp.Bio)
		for j := range sp.Links {
			t.line(fmt.Sprintf("%s.links[%d].title", at, j), &sp.Links[j].Title)
		}
	}
	var warns Problems
	for i := range e.Sessions {
		s := &e.Sessions[i]
		at := fmt.Sprintf("sessions[%d]", i)
		t.line(at+".title", &s.Title)
		t.text(at+".abstract", &s.Abstract)
		warns = append(warns, mergeSpeakers(at, s)...)
	}
	return append(t.warnings(), warns...)
}

// mergeSpeakers keeps the first of each speaker listed more than once on a session.
func mergeSpeakers(at string, s *Session) Problems {
	var warns Problems
	seen := make(map[string]bool, len(s.SpeakerIDs))
	kept := s.SpeakerIDs[:0:0]
	for j, id := range s.SpeakerIDs {
		if seen[id] {
			warns.Add(fmt.Sprintf("%s.speakerIds[%d]", at, j), "speaker %q is listed twice on the session: kept once", id)
			continue
		}
		seen[id] = true
		kept = append(kept, id)
	}
	if len(warns) > 0 {
		s.SpeakerIDs = kept
	}
	return warns
}

// tidier counts what it changed, by kind, remembering the first field of each.
type tidier struct {
	separators, invisible int
	firstSep, firstInv    string
}

func (t *tidier) warnings() Problems {
	var ps Problems
	if t.separators > 0 {
		ps.Add(t.firstSep, "Unicode line and paragraph separators (U+2028, U+2029, NEL) became line breaks, which every calendar app reads, in %s (the first is here)", Count(t.separators, "field"))
	}
	if t.invisible > 0 {
		ps.Add(t.firstInv, "invisible characters (zero-width spaces, byte order marks, direction overrides, control characters) were removed from %s (the first is here)", Count(t.invisible, "field"))
	}
	return ps
}

// Count says "1 noun" or "n nouns", for warnings.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// line tidies a one-line field (names, titles): line breaks become spaces.
func (t *tidier) line(field string, s *string) {
	*s = strings.Join(strings.Fields(t.clean(field, *s)), " ")
}

// text tidies a multi-line field (abstracts, bios): lines lose trailing spaces and runs of
// blank lines become one, so paragraphs stay paragraphs.
func (t *tidier) text(field string, s *string) {
	lines := strings.Split(t.clean(field, *s), "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	*s = strings.TrimSpace(strings.Join(out, "\n"))
}

// clean makes every line end a LF and removes what no reader should see, counting the
// changes that alter what a reader sees.
func (t *tidier) clean(field, s string) string {
	if isPlain(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	sep, inv := false, false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte('\n')
		case r == '\u2028' || r == '\u0085':
			b.WriteByte('\n')
			sep = true
		case r == '\u2029':
			b.WriteString("\n\n")
			sep = true
		case r == '\t':
			b.WriteByte(' ')
		case invisible(r):
			inv = true
		default:
			b.WriteRune(r)
		}
	}
	if sep {
		t.separators++
		t.firstSep = cmpOr(t.firstSep, field)
	}
	if inv {
		t.invisible++
		t.firstInv = cmpOr(t.firstInv, field)
	}
	return b.String()
}

// isPlain reports text with nothing for clean to do: printable ASCII, LF and no CR or tab,
// which is almost all agenda text, so most fields are not copied.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x7f || (c < 0x20 && c != '\n') {
			return false
		}
	}
	return true
}

// invisible reports characters that are removed: controls (other than line ends and tabs,
// handled before), byte order marks, zero-width spaces and joiners' look-alikes that carry
// no meaning, and bidirectional embeddings and overrides, which can reverse the text
// around them. Zero-width joiners and non-joiners stay: emoji sequences and several
// scripts need them.
func invisible(r rune) bool {
	switch r {
	case '\u200c', '\u200d', '\u200e', '\u200f': // ZWNJ, ZWJ, LRM, RLM
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
