package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/confcal/confcal/handlers"
	"github.com/confcal/confcal/internal/catalog"
)

// Personal feeds are served ahead of Gin's router: the answers, headers, access log lines
// and errors must be those of every other route.
func TestPersonalFeedFront(t *testing.T) {
	e := newEnv(t)
	c := e.create(`{"sessions":["` + wenger + `"]}`)
	path := feedPath(c.FeedURL)

	w := e.do("GET", path, "", "X-Request-Id", "poll-42")
	want(t, w, http.StatusOK)
	if w.Header().Get("X-Request-Id") != "poll-42" || w.Header().Get("Cache-Control") != "private, max-age=300" ||
		w.Header().Get("Content-Length") != strconv.Itoa(w.Body.Len()) || !strings.HasPrefix(w.Body.String(), "BEGIN:VCALENDAR\r\n") {
		t.Errorf("feed answered %v %q…", w.Header(), w.Body.String()[:min(40, w.Body.Len())])
	}
	line := `path=/feeds/REDACTED status=200 bytes=` + strconv.Itoa(w.Body.Len()) + ` duration_ms=`
	if logs := e.logs.String(); !strings.Contains(logs, line) || !strings.Contains(logs, "request_id=poll-42") {
		t.Errorf("access log lacks %q:\n%s", line, logs)
	}

	head := e.do("HEAD", path, "")
	want(t, head, http.StatusOK)
	if head.Body.Len() != 0 || head.Header().Get("Content-Length") != strconv.Itoa(w.Body.Len()) || head.Header().Get("X-Request-Id") == "" {
		t.Errorf("HEAD answered %d bytes, headers %v", head.Body.Len(), head.Header())
	}
	if d := e.do("GET", path+"?download=1", ""); d.Header().Get("Content-Disposition") != `attachment; filename="my-schedule.ics"` {
		t.Errorf("download: Content-Disposition %q", d.Header().Get("Content-Disposition"))
	}

	for _, p := range []string{"/feeds/" + strings.Repeat("a", 43) + ".ics", "/feeds/.ics", "/feeds/abc", "/feeds/a/b.ics", "/feeds/"} {
		nf := e.do("GET", p, "")
		want(t, nf, http.StatusNotFound)
		if nf.Header().Get("Content-Type") != "application/json; charset=utf-8" || !strings.Contains(nf.Body.String(), `"code":"not_found"`) {
			t.Errorf("%s: %v %s", p, nf.Header(), nf.Body)
		}
	}
	if unknown := e.do("GET", "/feeds/"+strings.Repeat("a", 43)+".ics", ""); unknown.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("unknown feed: Cache-Control %q", unknown.Header().Get("Cache-Control"))
	}
	post := e.do("POST", path, "")
	want(t, post, http.StatusMethodNotAllowed)
	if !strings.Contains(post.Body.String(), `"code":"method_not_allowed"`) {
		t.Errorf("POST answered %s", post.Body)
	}
}

// exploding serves schedules normally, but its feeds fail: "boom" panics, "fail" errors.
type exploding struct{ handlers.Schedules }

func (x exploding) Feed(ctx context.Context, token string) (*catalog.Body, error) {
	switch token {
	case "boom":
		panic("feed exploded")
	case "fail":
		return nil, errors.New("disk on fire")
	}
	return x.Schedules.Feed(ctx, token)
}

// A panic or a failure on the feed path answers 500 once, logs it with the request id,
// and the next request is served.
func TestPersonalFeedFrontFailures(t *testing.T) {
	e := newEnv(t)
	c := e.create(`{"sessions":["` + wenger + `"]}`)
	h, err := handlers.New(handlers.Deps{Agenda: e.cat, Schedules: exploding{e.svc}, Store: e.st, Revisions: e.st, BaseURL: base,
		Log: e.log, Access: handlers.NewAccessLog(e.logs, false)})
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	for _, token := range []string{"boom", "fail"} {
		w := e.do("GET", "/feeds/"+token+".ics", "", "X-Request-Id", "req-"+token)
		want(t, w, http.StatusInternalServerError)
		if !strings.Contains(w.Body.String(), `"code":"internal"`) || w.Header().Get("X-Request-Id") != "req-"+token {
			t.Errorf("%s answered %v %s", token, w.Header(), w.Body)
		}
		logs := e.logs.String()
		if !strings.Contains(logs, "request_id=req-"+token) || !strings.Contains(logs, "path=/feeds/REDACTED status=500") {
			t.Errorf("%s: logs\n%s", token, logs)
		}
	}
	logs := e.logs.String()
	if strings.Count(logs, "feed exploded") != 1 || strings.Count(logs, "disk on fire") != 1 || !strings.Contains(logs, "route=/feeds/:file") {
		t.Errorf("each failure should be logged once with its route:\n%s", logs)
	}
	want(t, e.do("GET", feedPath(c.FeedURL), ""), http.StatusOK)
}

// Concurrent fetches share the frame's counter, the access log and the metrics' memos
// (go test -race watches them here).
func TestPersonalFeedFrontConcurrent(t *testing.T) {
	e := newEnv(t)
	c := e.create(`{"sessions":["` + wenger + `"]}`)
	path := feedPath(c.FeedURL)
	ids := make(chan string, 8*50)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("User-Agent", "agent-"+strconv.Itoa(g)+"-"+strconv.Itoa(i%5))
				sent := req.Header.Clone()
				w := httptest.NewRecorder()
				e.h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					t.Errorf("status %d", w.Code)
				}
				checkContract(t, "GET", path, "", sent, w)
				ids <- w.Header().Get("X-Request-Id")
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("request id %s given twice", id)
		}
		seen[id] = true
	}
	if n := strings.Count(e.logs.String(), "path=/feeds/REDACTED status=200"); n != 400 {
		t.Errorf("%d access log lines for 400 fetches", n)
	}
}
