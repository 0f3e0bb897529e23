package catalog

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// Body is an immutable response body with its strong validator, and its gzip form made on
// first use and kept.
type Body struct {
	Data     []byte
	ETag     string // strong: a quoted hash of Data
	Modified time.Time

	once sync.Once
	gz   []byte
}

// NewBody wraps data, computing its ETag.
func NewBody(data []byte, modified time.Time) *Body {
	sum := sha256.Sum256(data)
	return &Body{Data: data, ETag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, Modified: modified.UTC()}
}

// newTaggedBody wraps data whose strong ETag is already known.
func newTaggedBody(data []byte, etag string, modified time.Time) *Body {
	return &Body{Data: data, ETag: etag, Modified: modified.UTC()}
}

// Gzip returns the body gzip-compressed, compressing it once.
func (b *Body) Gzip() []byte {
	b.once.Do(func() {
		var buf bytes.Buffer
		buf.Grow(len(b.Data) / 3)
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b.Data)
		zw.Close()
		b.gz = buf.Bytes()
	})
	return b.gz
}
