// Package importer brings agenda documents in from files, standard input and URLs, in any
// format confcal reads, on top of the event's current revision. The CLI, the admin API and
// scheduled sync share it.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/formats"
)

// DefaultMaxSize bounds a document unless configured otherwise: a native document of
// 20,000 sessions (agenda.MaxSessions) with abstracts is about 25 MB.
const DefaultMaxSize = 32 << 20

// ErrTooLarge is returned for a document over the size limit.
var ErrTooLarge = errors.New("document too large")

// Validators are what a conditional GET sends back: the source's ETag and Last-Modified.
type Validators struct {
	ETag, LastModified string
}

// Fetcher reads documents, refusing those over MaxSize bytes.
type Fetcher struct {
	Client  *http.Client // nil: a client with a 30 s timeout
	MaxSize int64        // 0: DefaultMaxSize
}

// MaxSizeOrDefault is the size limit in force.
func (f *Fetcher) MaxSizeOrDefault() int64 {
	if f.MaxSize > 0 {
		return f.MaxSize
	}
	return DefaultMaxSize
}

// IsURL reports whether a location is an http(s) URL rather than a file.
func IsURL(location string) bool {
	return strings.HasPrefix(location, "https://") || strings.HasPrefix(location, "http://")
}

// Read reads a file, standard input ("-") or a URL.
func (f *Fetcher) Read(ctx context.Context, location string) ([]byte, error) {
	if IsURL(location) {
		data, _, _, err := f.Get(ctx, location, Validators{})
		return data, err
	}
	var r io.Reader = os.Stdin
	if location != "-" {
		file, err := os.Open(location)
		if err != nil {
			return nil, err
		}
		defer file.Close()
		r = file
	}
	return f.limit(r, location)
}

// Get fetches a URL. With validators from an earlier fetch it asks conditionally, and
// reports notModified when the source says nothing changed.
func (f *Fetcher) Get(ctx context.Context, url string, prev Validators) (data []byte, next Validators, notModified bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, prev, false, fmt.Errorf("%s: %w", url, err)
	}
	req.Header.Set("User-Agent", "confcal (agenda import)")
	req.Header.Set("Accept", "application/json, application/xml;q=0.9, */*;q=0.5")
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, prev, false, fmt.Errorf("fetch %s: %w", url, err)
	}
	defer res.Body.Close()
	next = Validators{ETag: res.Header.Get("ETag"), LastModified: res.Header.Get("Last-Modified")}
	switch {
	case res.StatusCode == http.StatusNotModified:
		return nil, prev, true, nil
	case res.StatusCode != http.StatusOK:
		return nil, prev, false, fmt.Errorf("fetch %s: %s", url, res.Status)
	case res.ContentLength > f.MaxSizeOrDefault():
		return nil, prev, false, fmt.Errorf("%s: %w: %d bytes, the limit is %d", url, ErrTooLarge, res.ContentLength, f.MaxSizeOrDefault())
	}
	data, err = f.limit(res.Body, url)
	return data, next, false, err
}

func (f *Fetcher) limit(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, f.MaxSizeOrDefault()+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > f.MaxSizeOrDefault() {
		return nil, fmt.Errorf("%s: %w: over %d bytes", name, ErrTooLarge, f.MaxSizeOrDefault())
	}
	return data, nil
}

// Request is one document to bring in.
type Request struct {
	Event         string
	Format        formats.Format // "": detect
	TimeZone      string
	TrackCategory string
}

// Parse reads data into a validated event on top of base, the event's current revision
// (nil for a new event or a check on its own), which supplies what the format lacks and
// keeps known ids. The warnings say what was changed or assumed to accept the document;
// they come with problems too. It writes nothing.
func Parse(r Request, data []byte, base *agenda.Event) (*agenda.Event, agenda.Problems, error) {
	return formats.Read(r.Format, data, formats.Options{Slug: r.Event, TimeZone: r.TimeZone, TrackCategory: r.TrackCategory, Base: base})
}
