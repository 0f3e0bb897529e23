// Command confcal serves conference agendas as calendar feeds, JSON and pages.
//
//	confcal [serve] [flags]            run the service (default)
//	confcal import --event SLUG FILE   load an agenda document as a new revision
//	confcal check FILE                 validate an agenda document
//	confcal migrate                    apply database migrations
//	confcal backup DEST                copy the SQLite database while it serves
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	var ue usageError
	switch {
	case err == nil:
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, "confcal:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "confcal:", err)
		os.Exit(1)
	}
}

// usageError is a mistake in the command line.
type usageError struct{ error }

// run is the whole program, with its environment passed in so tests can run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "import":
		return importCmd(ctx, args, getenv, stdout, stderr)
	case "check":
		return check(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args, getenv, stdout, stderr)
	case "backup":
		return backup(ctx, args, getenv, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Errorf("unknown command %q\n%s", cmd, usage)}
}

const usage = `usage:
  confcal [serve] [--addr :8080] [--base-url URL] [--data-dir DIR]
  confcal import --event SLUG [--format F] [--time-zone ZONE] [--dry-run] FILE|URL|-
  confcal check [--event SLUG] [--format F] [--time-zone ZONE] FILE|URL|-
  confcal migrate                    apply pending database migrations and exit
  confcal backup DEST.db             online copy of the SQLite database (PostgreSQL: pg_dump)
Every flag also reads CONFCAL_<NAME> (e.g. CONFCAL_BASE_URL); a flag beats its variable.
`
