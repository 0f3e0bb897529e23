package sqlite

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/fsnotify/fsnotify"
)

// Changed returns a channel that receives a value (coalesced: one pending at most) soon
// after any process writes the database file or its write-ahead log, until ctx ends. A
// commit writes its last frame to the log before it shows in data_version, so a receiver
// asks DataVersion at once and again shortly after. WAL mode needs every connection on one
// host (it shares memory), so the host's file events see every writer, confcal import's
// included. The directory is watched, not the files, because the log is deleted and made
// again as connections close and open. An error means file events are not to be had here
// (no inotify, or its watches are used up): the caller polls instead.
func (s *DB) Changed(ctx context.Context) (<-chan struct{}, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", s.path, err)
	}
	dir, base := filepath.Split(s.path)
	if dir == "" {
		dir = "."
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		return nil, fmt.Errorf("watch %s: %w", s.path, err)
	}
	files := map[string]bool{base: true, base + "-wal": true}
	out := make(chan struct{}, 1)
	go func() {
		defer w.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if files[filepath.Base(ev.Name)] && ev.Has(fsnotify.Write|fsnotify.Create) {
					select {
					case out <- struct{}{}:
					default: // one is pending already
					}
				}
			case _, ok := <-w.Errors:
				if !ok {
					return
				}
				// An overflow loses events; the caller's slow poll still finds the commit.
			}
		}
	}()
	return out, nil
}
