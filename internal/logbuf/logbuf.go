// Package logbuf buffers log output for a server whose access log would otherwise cost a
// system call per request.
package logbuf

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// Writer buffers log output and flushes it every interval, when the buffer fills, and on
// Close. At feed-serving rates a write system call per access-log line costs more than
// serving the feed; the price is that a crash may lose the last interval of log lines.
type Writer struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// New returns a Writer over w that flushes every interval.
func New(w io.Writer, interval time.Duration) *Writer {
	lw := &Writer{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(lw.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				lw.flush()
			case <-lw.stop:
				lw.flush()
				return
			}
		}
	}()
	return lw
}

// Write buffers p.
func (lw *Writer) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.buf.Write(p)
}

func (lw *Writer) flush() {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.buf.Flush()
}

// Close flushes what is left and stops the flusher.
func (lw *Writer) Close() error {
	close(lw.stop)
	<-lw.done
	return nil
}

// Append formats one line straight into the buffer, under the same lock as Write: a
// caller that would otherwise format into a buffer of its own under a lock of its own,
// then copy it here under this one, takes one lock and one buffer. f appends to b and
// returns it; a line longer than the room left is written whole all the same.
func (lw *Writer) Append(f func(b []byte) []byte) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.buf.Available() < lineRoom {
		lw.buf.Flush()
	}
	lw.buf.Write(f(lw.buf.AvailableBuffer()))
}

// lineRoom is the room Append makes before formatting, so that a usual line fits the
// buffer's own memory.
const lineRoom = 1 << 10
