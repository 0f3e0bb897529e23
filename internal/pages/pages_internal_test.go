package pages

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/confcal/confcal/internal/l10n"
)

// Only English is parsed at start; a language's templates are parsed the first time a page
// is rendered in it, once, however many render at the same time.
func TestTemplatesParsedWhenFirstAsked(t *testing.T) {
	r, err := New("/widget/0123456789abcdef.js")
	if err != nil {
		t.Fatal(err)
	}
	for l, lt := range r.tmpl {
		if parsed := lt.t != nil; parsed != (l == l10n.English) {
			t.Errorf("%s parsed at start: %v", l.Tag, parsed)
		}
	}
	de := l10n.Match("de")
	var wg sync.WaitGroup
	out := make([]bytes.Buffer, 8)
	for i := range out {
		wg.Go(func() {
			if err := r.Index(&out[i], nil, de); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range out {
		if !strings.Contains(out[i].String(), `lang="de"`) {
			t.Fatalf("page %d is not German:\n%.300s", i, out[i].String())
		}
	}
	first := r.tmpl[de].t
	if err := r.Index(new(bytes.Buffer), nil, de); err != nil || r.tmpl[de].t != first {
		t.Errorf("German parsed again (%v)", err)
	}
	if r.tmpl[l10n.Match("ja")].t != nil {
		t.Error("Japanese parsed without a page in it")
	}
}
