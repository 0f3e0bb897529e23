package logbuf

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Lines wait in the buffer until the interval or Close.
func TestBuffersUntilClose(t *testing.T) {
	var out syncBuf
	w := New(&out, time.Hour)
	w.Write([]byte("one\n"))
	if out.String() != "" {
		t.Fatal("written through at once; want buffered")
	}
	w.Close()
	if out.String() != "one\n" {
		t.Fatalf("Close did not flush: %q", out.String())
	}
}

func TestFlushesEveryInterval(t *testing.T) {
	var out syncBuf
	w := New(&out, 20*time.Millisecond)
	w.Write([]byte("one\n"))
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "one\n" {
		if time.Now().After(deadline) {
			t.Fatalf("not flushed by the interval: %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	w.Write([]byte("two\n"))
	w.Close()
	if out.String() != "one\ntwo\n" {
		t.Fatalf("Close did not flush: %q", out.String())
	}
}

// Lines appended in place come out whole and in order, past the buffer's end, around
// Write's, and one longer than the whole buffer too.
func TestAppendKeepsLinesWhole(t *testing.T) {
	var out syncBuf
	w := New(&out, time.Hour)
	var want bytes.Buffer
	for i := range 2000 {
		line := bytes.Repeat([]byte{'a' + byte(i%26)}, 10+i%300)
		if i == 1000 {
			line = bytes.Repeat([]byte("x"), 200<<10)
		}
		line = append(line, '\n')
		want.Write(line)
		if i%7 == 0 {
			w.Write(line)
			continue
		}
		w.Append(func(b []byte) []byte { return append(b, line...) })
	}
	w.Close()
	if got := out.String(); got != want.String() {
		t.Fatalf("got %d bytes, want %d; first difference at %d", len(got), want.Len(), firstDiff(got, want.String()))
	}
}

func firstDiff(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
