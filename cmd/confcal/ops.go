package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/confcal/confcal/internal/store/sqlite"
)

// migrate applies pending migrations and exits: a deploy step run once before starting
// new instances (serve also migrates at start, under a lock, so it is optional).
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg.flags(fs, getenv)
	if rest, err := parse(fs, args, stderr); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{fmt.Errorf("migrate takes no arguments, got %q", rest)}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "%s: migrations applied\n", cfg.StoreName())
	return nil
}

// backup writes an online, consistent copy of the SQLite database to DEST, while serve
// keeps running. For PostgreSQL, pg_dump is the tool.
func backup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	cfg.flags(fs, getenv)
	rest, err := parse(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError{errors.New("usage: confcal backup DEST.db")}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	if cfg.DatabaseURL != "" {
		return errors.New("backup copies the SQLite file; for PostgreSQL use pg_dump, e.g. pg_dump --format=custom --file confcal.dump \"$CONFCAL_DATABASE_URL\"")
	}
	if _, err := os.Stat(rest[0]); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file", rest[0])
	}
	db, err := sqlite.Open(ctx, cfg.DatabasePath())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, rest[0]); err != nil {
		return err
	}
	fi, err := os.Stat(rest[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes)\n", cfg.DatabasePath(), rest[0], fi.Size())
	return nil
}
