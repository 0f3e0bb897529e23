package catalog

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Body is an immutable response body with its strong validator, and its gzip form made on
// first use and kept.
type Body struct {
	Data     []byte
	ETag     string // strong: a quoted hash of Data
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
	sum := sha256.Sum256(data)
	return newTaggedBody(data, `"`+base64.RawURLEncoding.EncodeToString(sum[:18])+`"`, modified)
}

// newTaggedBody wraps data whose strong ETag is already known.
func newTaggedBody(data []byte, etag string, modified time.Time) *Body {
	modified = modified.UTC().Truncate(time.Second)
	lm := modified.Format(http.TimeFormat)
	return &Body{
		Data: data, ETag: etag, Modified: modified, LastModified: lm,
		ETagHeader: []string{etag}, LastModifiedHeader: []string{lm}, LengthHeader: []string{strconv.Itoa(len(data))},
	}
}

// Gzip returns the body gzip-compressed, compressing it once, with its ETag and
// Content-Length header values. A strong validator names one representation, so the gzip
// one gets its own ETag.
func (b *Body) Gzip() (data []byte, etag, length []string) {
	b.once.Do(func() {
		var buf bytes.Buffer
		buf.Grow(len(b.Data) / 3)
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b.Data)
		zw.Close()
		b.gz = buf.Bytes()
		b.gzH = gzipHeaders{
			ETag:   []string{strings.TrimSuffix(b.ETag, `"`) + `-gzip"`},
			Length: []string{strconv.Itoa(len(b.gz))},
		}
	})
	return b.gz, b.gzH.ETag, b.gzH.Length
}
