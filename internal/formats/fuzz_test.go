package formats_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/formats"
)

// Each reader, fed anything: no panic, no hang, and whatever it accepts is a valid agenda
// that the native format carries unchanged. Seeds: the samples, the bad-input documents,
// and testdata/fuzz/<name>. Run one with, for example:
//
//	go test ./internal/formats -run XXX -fuzz FuzzSessionize -fuzztime 60s

func FuzzNative(f *testing.F) { fuzzReader(f, formats.Native, "../bundled/p99conf-24.json") }
func FuzzSessionize(f *testing.F) {
	fuzzReader(f, formats.Sessionize, "testdata/sessionize-all-v1.json", szDoc)
}
func FuzzPretalx(f *testing.F) {
	fuzzReader(f, formats.Pretalx, "testdata/pretalx-schedule-v1.json", pxDoc)
}
func FuzzFrabXML(f *testing.F) {
	fuzzReader(f, formats.FrabXML, "testdata/frab-schedule-v1.xml", fxDoc)
}

func fuzzReader(f *testing.F, format formats.Format, file string, docs ...string) {
	data, err := os.ReadFile(filepath.FromSlash(file))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, d := range docs {
		f.Add([]byte(d))
	}
	o := formats.Options{Slug: "fuzz", TimeZone: "Europe/Berlin"}
	f.Fuzz(func(t *testing.T, doc []byte) {
		ev, _, err := formats.Read(format, doc, o)
		if err != nil {
			return
		}
		if err := agenda.Validate(ev); err != nil {
			t.Fatalf("accepted an invalid agenda: %v", err)
		}
		native, err := formats.EncodeNative(ev)
		if err != nil {
			t.Fatal(err)
		}
		back, err := formats.ReadNative(bytes.NewReader(native), "")
		if err != nil {
			t.Fatalf("the native form of an accepted agenda does not read back: %v", err)
		}
		again, _ := formats.EncodeNative(back)
		if !bytes.Equal(native, again) {
			t.Fatal("the native form changed on a second pass")
		}
	})
}
