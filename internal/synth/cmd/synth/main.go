// Command synth writes a synthetic agenda as a native JSON document, for load runs:
//
//	go run ./internal/synth/cmd/synth -sessions 300 -tracks 8 > synth.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/formats"
	"github.com/confcal/confcal/internal/synth"
)

func main() {
	var o synth.Options
	flag.StringVar(&o.Slug, "slug", "synth", "event slug")
	flag.IntVar(&o.Sessions, "sessions", 300, "number of sessions")
	flag.IntVar(&o.Tracks, "tracks", 8, "number of parallel tracks")
	flag.IntVar(&o.Days, "days", 2, "number of days")
	flag.IntVar(&o.Rooms, "rooms", 0, "number of rooms (0: none)")
	flag.Parse()
	ev := synth.Event(o)
	if err := agenda.Validate(ev); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	doc, err := formats.EncodeNative(ev)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(append(doc, '\n'))
}
