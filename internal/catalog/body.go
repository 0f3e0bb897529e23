package catalog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// PackAbove is the size past which a body is kept in its gzip form only (see Write): the
// hosted page, embed and exports of a 5,000-session event are 5–17 MB each and a tenth or a
// thirtieth of that compressed, and nearly every client asks for gzip. A client that does
// not is sent the body inflated as it is written.
const PackAbove = 256 << 10

// Body is an immutable response body with its strong validator, and its gzip form made on
// first use and kept. A packed body keeps only its gzip form.
type Body struct {
	data     []byte // nil when packed
	size     int    // len of the body uncompressed
	ETag     string // strong: a quoted hash of the body uncompressed
	Modified time.Time
	// LastModified is Modified formatted for the Last-Modified header, once.
	LastModified string

	// Header values, made once: a feed is served many times per rendering.
	ETagHeader, LastModifiedHeader, LengthHeader []string

	once sync.Once
	gz   []byte
	gzH  gzipHeaders
}

type gzipHeaders struct {
	ETag, Length []string
}

// NewBody wraps data, computing its ETag.
func NewBody(data []byte, modified time.Time) *Body {
	return newTaggedBody(data, tagOf(sha256.Sum256(data)), modified)
}

func tagOf(sum [sha256.Size]byte) string {
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// newTaggedBody wraps data whose strong ETag is already known.
func newTaggedBody(data []byte, etag string, modified time.Time) *Body {
	b := header(len(data), etag, modified)
	b.data = data
	return b
}

func header(size int, etag string, modified time.Time) *Body {
	modified = modified.UTC().Truncate(time.Second)
	lm := modified.Format(http.TimeFormat)
	return &Body{
		size: size, ETag: etag, Modified: modified, LastModified: lm,
		ETagHeader: []string{etag}, LastModifiedHeader: []string{lm}, LengthHeader: []string{strconv.Itoa(size)},
	}
}

// Write makes a body of what write writes, hashing it as it goes. A body that passes
// PackAbove is compressed as it is written and kept packed, so that neither a whole copy
// of it nor the buffers it grew through stay in memory.
func Write(modified time.Time, write func(io.Writer) error) (*Body, error) {
	p := &packer{h: sha256.New()}
	bw := bufio.NewWriterSize(p, 32<<10)
	if err := write(bw); err != nil {
		return nil, err
	}
	bw.Flush()
	var sum [sha256.Size]byte
	p.h.Sum(sum[:0])
	if p.zw == nil {
		return newTaggedBody(p.buf.Bytes(), tagOf(sum), modified), nil
	}
	p.zw.Close()
	ReleaseAfter(p.n)
	b := header(p.n, tagOf(sum), modified)
	b.once.Do(func() { b.setGzip(bytes.Clone(p.zbuf.Bytes())) })
	return b, nil
}

// Pack keeps data packed when it passes PackAbove, for a body encoded whole by a library.
func Pack(data []byte, modified time.Time) *Body {
	if len(data) <= PackAbove {
		return NewBody(data, modified)
	}
	b, _ := Write(modified, func(w io.Writer) error { _, err := w.Write(data); return err })
	return b
}

type packer struct {
	h    hash.Hash
	n    int
	buf  bytes.Buffer // the body while it is within PackAbove
	zw   *gzip.Writer
	zbuf bytes.Buffer
}

func (p *packer) Write(b []byte) (int, error) {
	p.h.Write(b)
	p.n += len(b)
	if p.zw != nil {
		return p.zw.Write(b)
	}
	p.buf.Write(b)
	if p.buf.Len() > PackAbove {
		p.zw, _ = gzip.NewWriterLevel(&p.zbuf, gzip.BestCompression)
		p.zw.Write(p.buf.Bytes())
		p.buf = bytes.Buffer{}
	}
	return len(b), nil
}

// Len is the body's length uncompressed.
func (b *Body) Len() int { return b.size }

// Packed reports whether only the gzip form is kept.
func (b *Body) Packed() bool { return b.data == nil && b.size > 0 }

// Bytes returns the body uncompressed (inflated anew when packed).
func (b *Body) Bytes() []byte {
	if !b.Packed() {
		return b.data
	}
	var buf bytes.Buffer
	buf.Grow(b.size)
	b.WriteTo(&buf)
	return buf.Bytes()
}

// WriteTo writes the body uncompressed, inflating it as it goes when packed.
func (b *Body) WriteTo(w io.Writer) (int64, error) {
	if !b.Packed() {
		n, err := w.Write(b.data)
		return int64(n), err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b.gz))
	if err != nil {
		return 0, err
	}
	return io.Copy(w, zr)
}

// Gzip returns the body gzip-compressed, compressing it once, with its ETag and
// Content-Length header values. A strong validator names one representation, so the gzip
// one gets its own ETag.
func (b *Body) Gzip() (data []byte, etag, length []string) {
	b.once.Do(func() {
		var buf bytes.Buffer
		buf.Grow(len(b.data) / 3)
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b.data)
		zw.Close()
		b.setGzip(buf.Bytes())
	})
	return b.gz, b.gzH.ETag, b.gzH.Length
}

func (b *Body) setGzip(gz []byte) {
	b.gz = gz
	b.gzH = gzipHeaders{
		ETag:   []string{strings.TrimSuffix(b.ETag, `"`) + `-gzip"`},
		Length: []string{strconv.Itoa(len(gz))},
	}
}

// Weight is what keeping the body costs in bytes: its gzip form, made on first use,
// weighs about a third of an unpacked body more.
func (b *Body) Weight() int64 {
	if b.Packed() {
		return int64(len(b.gz))
	}
	return int64(b.size) * 3 / 2
}
