package agenda

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Text from real exports is normalised before it is stored; each kind of change is one
// warning naming where it first happened; what scripts and emoji need stays.
func TestTidy(t *testing.T) {
	ev := sample()
	ev.Sessions[0].Title = "  Title\u00a0with\r\nbreak\t "
	ev.Sessions[0].Abstract = "First line\u2028second line\u2029Next paragraph\r\n\r\n\r\n\r\nLast  \n"
	ev.Sessions[1].Abstract = "\ufeffZero\u200bwidth \u202eevil\u202c text\x07; keep 👩\u200d💻 and می\u200cخواهم"
	ev.Speakers[1].Bio = "Line one\u0085line two"
	ev.Sessions[0].SpeakerIDs = []string{"ada", "bob", "ada"}
	warns := Tidy(ev)
	if got, want := ev.Sessions[0].Title, "Title with break"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	if got, want := ev.Sessions[0].Abstract, "First line\nsecond line\n\nNext paragraph\n\nLast"; got != want {
		t.Errorf("abstract %q, want %q", got, want)
	}
	if got, want := ev.Sessions[1].Abstract, "Zerowidth evil text; keep 👩\u200d💻 and می\u200cخواهم"; got != want {
		t.Errorf("abstract %q, want %q", got, want)
	}
	if got := ev.Speakers[1].Bio; got != "Line one\nline two" {
		t.Errorf("bio %q", got)
	}
	if got := ev.Sessions[0].SpeakerIDs; !cmp.Equal(got, []string{"ada", "bob"}) {
		t.Errorf("speakers %q, want ada, bob", got)
	}
	var fields []string
	for _, w := range warns {
		fields = append(fields, w.Field)
	}
	if want := []string{"speakers[1].bio", "sessions[1].abstract", "sessions[0].speakerIds[2]"}; !cmp.Equal(fields, want) {
		t.Errorf("warnings at %q, want %q:\n%v", fields, want, warns)
	}
	if !strings.Contains(warns[0].Message, "2 fields") || !strings.Contains(warns[1].Message, "1 field") {
		t.Errorf("warnings do not count: %v", warns)
	}
	if again := Tidy(ev); len(again) != 0 {
		t.Errorf("tidying tidy text warns: %v", again)
	}
}
