// Package feedtest checks feeds the way a strict calendar client reads them: line by line
// at the byte level, then with an independent parser (github.com/emersion/go-ical).
package feedtest

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/emersion/go-ical"
)

// Check fails t unless data is a well-formed feed: CRLF line ends only, no line over 75
// octets, no UTF-8 sequence split by a fold, no bare control characters, and accepted by an
// independent parser. It returns the parsed calendar.
func Check(t testing.TB, data []byte) *ical.Calendar {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Errorf("feed does not end with CRLF")
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\r\n")), []byte("\r\n"))
	for i, line := range lines {
		n := i + 1
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, over 75: %q", n, len(line), line)
		}
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", n, line)
		}
		if !utf8.Valid(line) {
			t.Errorf("line %d is not valid UTF-8 on its own (a fold split a character): %q", n, line)
		}
		for _, r := range string(line) {
			if r < 0x20 && r != '\t' || r == 0x7f {
				t.Errorf("line %d holds control character %U", n, r)
			}
		}
	}
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("independent parser rejects the feed: %v", err)
	}
	return cal
}

// Events returns the calendar's VEVENTs by UID.
func Events(t testing.TB, cal *ical.Calendar) map[string]*ical.Component {
	t.Helper()
	out := map[string]*ical.Component{}
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		uid := c.Props.Get(ical.PropUID)
		if uid == nil {
			t.Fatalf("VEVENT without UID")
		}
		if _, dup := out[uid.Value]; dup {
			t.Errorf("UID %s appears twice", uid.Value)
		}
		out[uid.Value] = c
	}
	return out
}

// Text returns a property's value, unescaped, or "".
func Text(c *ical.Component, name string) string {
	p := c.Props.Get(name)
	if p == nil {
		return ""
	}
	if v, err := p.Text(); err == nil {
		return v
	}
	return p.Value
}

// Unfold joins folded lines, for looking at whole properties.
func Unfold(data []byte) string {
	return strings.ReplaceAll(string(data), "\r\n ", "")
}
