package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/formats"
)

// maxDocument bounds an agenda document read by import and check.
const maxDocument = 10 << 20

func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	cfg.flags(fs, getenv)
	slug := fs.String("event", "", "slug of the event to load the document into (required)")
	dryRun := fs.Bool("dry-run", false, "print what would change without writing")
	rest, err := parse(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 || *slug == "" {
		return usageError{errors.New("usage: confcal import --event SLUG [--dry-run] FILE|-")}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	ev, err := readDocument(rest[0], *slug, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if *dryRun {
		res, _, err := catalog.Plan(ctx, st, ev, time.Now())
		if err != nil {
			return err
		}
		printResult(stdout, ev, res, "would be")
		return nil
	}
	res, err := catalog.Publish(ctx, st, ev, time.Now())
	if err != nil {
		return err
	}
	printResult(stdout, ev, res, "is")
	return nil
}

func printNew(w io.Writer, ev *agenda.Event, verb string) {
	fmt.Fprintf(w, "%s: new event, revision 1 %s written: %d sessions, %d speakers, %d tracks\n",
		ev.Slug, verb, len(ev.Sessions), len(ev.Speakers), len(ev.Tracks))
}

func check(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	cfg.flags(fs, getenv)
	slug := fs.String("event", "", "slug to check the document as (default: the document's own)")
	rest, err := parse(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError{errors.New("usage: confcal check [--event SLUG] FILE|-")}
	}
	ev, err := readDocument(rest[0], *slug, stderr)
	if err != nil {
		return err
	}
	scheduled := 0
	for _, s := range ev.Sessions {
		if s.Scheduled() {
			scheduled++
		}
	}
	fmt.Fprintf(stdout, "%s: valid: %d sessions (%d scheduled, %d TBA), %d speakers, %d tracks\n",
		ev.Slug, len(ev.Sessions), scheduled, len(ev.Sessions)-scheduled, len(ev.Speakers), len(ev.Tracks))
	return nil
}

// readDocument reads and validates a native document from a file or standard input ("-").
// Problems go to stderr, one per line with its field path; the error says how many.
func readDocument(path, slug string, stderr io.Writer) (*agenda.Event, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxDocument {
		return nil, fmt.Errorf("%s: larger than %d MiB", path, maxDocument>>20)
	}
	ev, err := formats.ReadNative(strings.NewReader(string(data)), slug)
	var ve *agenda.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Fprintf(stderr, "%s: %s\n", path, p)
		}
		return nil, fmt.Errorf("%s: %d problem(s), nothing written", path, len(ve.Problems))
	}
	return ev, err
}

func printResult(w io.Writer, ev *agenda.Event, res catalog.Result, verb string) {
	slug := ev.Slug
	switch {
	case res.Created:
		printNew(w, ev, verb)
	case !res.Changed:
		fmt.Fprintf(w, "%s: no changes; revision %d stays current\n", slug, res.Revision)
	default:
		fmt.Fprintf(w, "%s: revision %d %s written: %s\n", slug, res.Revision, verb, res.Diff.Summary())
		for _, c := range res.Diff.SessionsChanged {
			fmt.Fprintf(w, "  changed %s: %s\n", c.ID, strings.Join(c.Fields, ", "))
		}
		for _, id := range res.Diff.SessionsAdded {
			fmt.Fprintf(w, "  added %s\n", id)
		}
		for _, id := range res.Diff.SessionsRemoved {
			fmt.Fprintf(w, "  removed %s (kept in feeds as cancelled)\n", id)
		}
	}
}
