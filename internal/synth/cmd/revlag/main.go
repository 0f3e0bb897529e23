// Command revlag measures how soon a running confcal serves a revision that another process
// wrote: it edits one session title in an agenda document, runs `confcal import` on it, and
// times from the import's "is written" line (printed right after its commit, read from its
// stdout as it comes) until confcal's event list names the new revision, which it asks every
// -every over one kept-alive connection. Repeated -tries times; each try is bounded in time.
//
//	revlag -confcal ./confcal -doc big.json -event big -url http://127.0.0.1:8080 -tries 7
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"
)

func main() {
	bin := flag.String("confcal", "confcal", "the confcal binary that imports")
	doc := flag.String("doc", "", "the agenda document to edit and import (native JSON)")
	event := flag.String("event", "", "the event's slug")
	base := flag.String("url", "http://127.0.0.1:8080", "the serving confcal's URL")
	tries := flag.Int("tries", 5, "revisions to write")
	every := flag.Duration("every", 2*time.Millisecond, "how often to ask the event list")
	pause := flag.Duration("pause", 2*time.Second, "rest between tries")
	flag.Parse()
	if *doc == "" || *event == "" {
		log.Fatal("usage: revlag -confcal BIN -doc FILE -event SLUG [-url URL] [-tries N]")
	}
	client := &http.Client{Timeout: 5 * time.Second}
	var lags []time.Duration
	for i := 1; i <= *tries; i++ {
		before, err := revision(client, *base, *event)
		if err != nil {
			log.Fatal(err)
		}
		if err := retitle(*doc, i); err != nil {
			log.Fatal(err)
		}
		lag, err := try(client, *bin, *doc, *event, *base, before, *every)
		if err != nil {
			log.Fatalf("try %d: %v", i, err)
		}
		fmt.Printf("try %d: revision %d served %.1f ms after its commit\n", i, before+1, ms(lag))
		lags = append(lags, lag)
		time.Sleep(*pause)
	}
	slices.Sort(lags)
	fmt.Printf("median %.1f ms, max %.1f ms over %d tries\n", ms(lags[len(lags)/2]), ms(lags[len(lags)-1]), len(lags))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// try runs one import and returns the time from its commit line to the first answer that
// names a revision past before.
func try(client *http.Client, bin, doc, event, base string, before int, every time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "import", "--event", event, doc)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	written := make(chan time.Time, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "is written") {
				written <- time.Now()
			}
		}
	}()
	served := make(chan time.Time, 1)
	go func() {
		for ctx.Err() == nil {
			if n, err := revision(client, base, event); err == nil && n > before {
				served <- time.Now()
				return
			}
			time.Sleep(every)
		}
	}()
	var tw, ts time.Time
	for tw.IsZero() || ts.IsZero() {
		select {
		case tw = <-written:
		case ts = <-served:
		case <-ctx.Done():
			return 0, fmt.Errorf("no new revision within 60 s (written %v, served %v)", !tw.IsZero(), !ts.IsZero())
		}
	}
	if err := cmd.Wait(); err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	// Served before the line was read (the poll won the race with the pipe): as good as 0.
	return max(ts.Sub(tw), 0), nil
}

// revision returns the event's revision as confcal's event list has it.
func revision(client *http.Client, base, event string) (int, error) {
	resp, err := client.Get(base + "/api/v1/events")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var list struct {
		Events []struct {
			Slug     string `json:"slug"`
			Revision int    `json:"revision"`
		} `json:"events"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&list); err != nil {
		return 0, err
	}
	for _, e := range list.Events {
		if e.Slug == event {
			return e.Revision, nil
		}
	}
	return 0, fmt.Errorf("%s is not listed", event)
}

var titleKey = regexp.MustCompile(`"title":\s*"`)

// retitle changes the first session's title to say which try this is.
func retitle(path string, try int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	at := bytes.Index(data, []byte(`"sessions"`))
	if at < 0 {
		return fmt.Errorf("%s: no sessions", path)
	}
	m := titleKey.FindIndex(data[at:])
	if m == nil {
		return fmt.Errorf("%s: no session title", path)
	}
	start := at + m[1]
	end := start + bytes.IndexByte(data[start:], '"')
	title := string(data[start:end])
	if j := strings.Index(title, " · try "); j >= 0 {
		title = title[:j]
	}
	title = fmt.Sprintf("%s · try %d", title, try)
	out := append(append(append([]byte{}, data[:start]...), title...), data[end:]...)
	return os.WriteFile(path, out, 0o644)
}
