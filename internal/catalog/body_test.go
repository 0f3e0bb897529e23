package catalog

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"
)

// A body written past PackAbove keeps only its gzip form and still answers with the same
// bytes and validators as the body kept whole.
func TestWritePacksLargeBodies(t *testing.T) {
	at := time.Date(2024, 10, 23, 16, 0, 0, 0, time.UTC)
	for _, n := range []int{0, 100, PackAbove, PackAbove + 1, 3 * PackAbove} {
		var want bytes.Buffer
		for i := 0; want.Len() < n; i++ {
			fmt.Fprintf(&want, "<li>session %d</li>\n", i)
		}
		data := want.Bytes()[:n]
		whole := NewBody(data, at)
		for name, b := range map[string]*Body{
			"written": must(Write(at, func(w io.Writer) error {
				for rest := data; len(rest) > 0; rest = rest[min(len(rest), 1000):] {
					w.Write(rest[:min(len(rest), 1000)])
				}
				return nil
			})),
			"packed": Pack(data, at),
		} {
			if b.Packed() != (n > PackAbove) {
				t.Errorf("%d bytes %s: packed %v", n, name, b.Packed())
			}
			if b.ETag != whole.ETag || b.Len() != n || b.LengthHeader[0] != whole.LengthHeader[0] {
				t.Errorf("%d bytes %s: ETag %s length %d, want %s %d", n, name, b.ETag, b.Len(), whole.ETag, n)
			}
			var out bytes.Buffer
			if _, err := b.WriteTo(&out); err != nil || !bytes.Equal(out.Bytes(), data) || !bytes.Equal(b.Bytes(), data) {
				t.Errorf("%d bytes %s: written back %d bytes (%v)", n, name, out.Len(), err)
			}
			gz, etag, length := b.Gzip()
			_, wetag, _ := whole.Gzip()
			zr, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := io.ReadAll(zr); !bytes.Equal(got, data) || etag[0] != wetag[0] || length[0] != fmt.Sprint(len(gz)) {
				t.Errorf("%d bytes %s: gzip form inflates to %d bytes, ETag %s", n, name, len(got), etag[0])
			}
			if n > PackAbove && b.Weight() != int64(len(gz)) {
				t.Errorf("%d bytes %s: weighs %d, its gzip form is %d", n, name, b.Weight(), len(gz))
			}
		}
	}
	if _, err := Write(at, func(w io.Writer) error { w.Write(make([]byte, 2*PackAbove)); return io.ErrUnexpectedEOF }); err == nil {
		t.Error("a failed write made a body")
	}
}

func must(b *Body, err error) *Body {
	if err != nil {
		panic(err)
	}
	return b
}

// After a large one-off build the memory it went through is handed back to the system
// within a few seconds, not held at the heap's high-water mark.
func TestLargeBuildReturnsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the runtime")
	}
	retained := func() uint64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapIdle - m.HeapReleased
	}
	// A heap of 64 MB that stays, as a large event's snapshot does, and a build that goes
	// through 256 MB of buffers beside it.
	live := make([][]byte, 64)
	for i := range live {
		live[i] = bytes.Repeat([]byte{byte(i)}, 1<<20)
	}
	var garbage [][]byte
	b := must(Write(time.Now(), func(w io.Writer) error {
		for i := range 256 {
			buf := bytes.Repeat([]byte(fmt.Sprintf("<li>session %d</li>\n", i)), 1<<20/20)
			w.Write(buf[:64<<10])
			if garbage = append(garbage, buf); len(garbage) > 48 {
				garbage = nil
			}
		}
		return nil
	}))
	garbage = nil
	peak := retained()
	deadline := time.Now().Add(5 * time.Second)
	for retained() > 16<<20 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if r := retained(); r > 16<<20 {
		t.Errorf("%d MB of heap kept from the system 5 s after a %d MB build (%d MB at its end)", r>>20, b.Len()>>20, peak>>20)
	}
	runtime.KeepAlive(live)
	t.Logf("%d MB body, retained %d MB at its end, %d MB after", b.Len()>>20, peak>>20, retained()>>20)
}
