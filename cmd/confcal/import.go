package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/formats"
	"github.com/confcal/confcal/internal/importer"
)

// docFlags are the options of import and check: which document, in which format.
type docFlags struct {
	event, format, timeZone, trackCategory string
}

func (d *docFlags) register(fs *flag.FlagSet, eventHelp string) {
	fs.StringVar(&d.event, "event", "", eventHelp)
	fs.StringVar(&d.format, "format", "", fmt.Sprintf("document format: %v (default: detect)", formats.Formats))
	fs.StringVar(&d.timeZone, "time-zone", "", "the event's IANA time zone (required for a new event from Sessionize, whose times carry no offset)")
	fs.StringVar(&d.trackCategory, "track-category", "", `Sessionize category whose items are the tracks (default "Track")`)
}

func (d *docFlags) request() (importer.Request, error) {
	f, err := formats.ParseFormat(d.format)
	return importer.Request{Event: d.event, Format: f, TimeZone: d.timeZone, TrackCategory: d.trackCategory}, err
}

const importUsage = "usage: confcal import --event SLUG [--format F] [--time-zone ZONE] [--track-category NAME] [--dry-run] FILE|URL|-"

func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	var doc docFlags
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	cfg.flags(fs, getenv)
	doc.register(fs, "slug of the event to load the document into (required)")
	dryRun := fs.Bool("dry-run", false, "print what would change without writing")
	rest, err := parse(fs, args, stderr)
	if err != nil {
		return err
	}
	req, err := doc.request()
	if err != nil || len(rest) != 1 || req.Event == "" {
		return usageError{errors.Join(err, errors.New(importUsage))}
	}
	if !agenda.ValidSlug(req.Event) {
		return usageError{fmt.Errorf("event %q: want lowercase letters, digits and dashes", req.Event)}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	data, err := (&importer.Fetcher{MaxSize: cfg.MaxDocument}).Read(ctx, rest[0])
	if err != nil {
		return err
	}
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	prev, _, err := catalog.Current(ctx, st, req.Event)
	if err != nil {
		return err
	}
	ev, warns, err := importer.Parse(req, data, prev)
	reportWarnings(rest[0], warns, stderr)
	if err := reportProblems(rest[0], err, stderr); err != nil {
		return err
	}
	if *dryRun {
		res, _, err := catalog.Plan(ctx, st, ev, time.Now())
		if err != nil {
			return err
		}
		printResult(stdout, prev, ev, res, "would be")
		return nil
	}
	res, err := catalog.Publish(ctx, st, ev, time.Now())
	if err != nil {
		return err
	}
	printResult(stdout, prev, ev, res, "is")
	return nil
}

func check(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	var doc docFlags
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	cfg.flags(fs, getenv)
	doc.register(fs, "slug to check the document as (default: the document's own; required for formats without one)")
	rest, err := parse(fs, args, stderr)
	if err != nil {
		return err
	}
	req, err := doc.request()
	if err != nil || len(rest) != 1 {
		return usageError{errors.Join(err, errors.New("usage: confcal check [--event SLUG] [--format F] [--time-zone ZONE] [--track-category NAME] FILE|URL|-"))}
	}
	data, err := (&importer.Fetcher{MaxSize: cfg.MaxDocument}).Read(ctx, rest[0])
	if err != nil {
		return err
	}
	// check reads no database: it judges the document on its own.
	ev, warns, err := importer.Parse(req, data, nil)
	reportWarnings(rest[0], warns, stderr)
	if err := reportProblems(rest[0], err, stderr); err != nil {
		return err
	}
	scheduled := 0
	for _, s := range ev.Sessions {
		if s.Scheduled() {
			scheduled++
		}
	}
	fmt.Fprintf(stdout, "%s: valid: %d sessions (%d scheduled, %d TBA), %d speakers, %d tracks, %d rooms%s\n",
		ev.Slug, len(ev.Sessions), scheduled, len(ev.Sessions)-scheduled, len(ev.Speakers), len(ev.Tracks), len(ev.Rooms), warned(warns))
	return nil
}

// reportProblems writes a document's problems to stderr, one per line with its place (the
// first agenda.MaxShown of them, then how many more), and returns an error saying how
// many; other errors pass through.
func reportProblems(source string, err error, stderr io.Writer) error {
	var ve *agenda.ValidationError
	if errors.As(err, &ve) {
		for _, line := range agenda.Problems(ve.Problems).Lines("problem") {
			fmt.Fprintf(stderr, "%s: %s\n", source, line)
		}
		return fmt.Errorf("%s: %d problem(s), nothing written", source, len(ve.Problems))
	}
	return err
}

// reportWarnings writes what was changed or assumed to accept the document, to stderr.
func reportWarnings(source string, warns agenda.Problems, stderr io.Writer) {
	for _, line := range warns.Lines("warning") {
		fmt.Fprintf(stderr, "%s: warning: %s\n", source, line)
	}
}

func warned(warns agenda.Problems) string {
	switch len(warns) {
	case 0:
		return ""
	case 1:
		return " (1 warning)"
	}
	return fmt.Sprintf(" (%d warnings)", len(warns))
}

func printResult(w io.Writer, prev, ev *agenda.Event, res catalog.Result, verb string) {
	switch {
	case res.Created:
		fmt.Fprintf(w, "%s: new event, revision 1 %s written: %d sessions, %d speakers, %d tracks, %d rooms\n",
			ev.Slug, verb, len(ev.Sessions), len(ev.Speakers), len(ev.Tracks), len(ev.Rooms))
	case !res.Changed:
		fmt.Fprintf(w, "%s: no changes; revision %d stays current\n", ev.Slug, res.Revision)
	default:
		fmt.Fprintf(w, "%s: revision %d %s written: %s\n", ev.Slug, res.Revision, verb, res.Summary)
		for _, line := range agenda.Describe(prev, ev) {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
}
