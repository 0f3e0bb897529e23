package handlers

import (
	"io"
	"net/netip"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/confcal/confcal/internal/logbuf"
)

// AccessLog writes one line per request in the shape slog's text or JSON handler gives
// (time, level, msg, then client, method, path, status, bytes, duration_ms, request_id), so one log
// processor reads both. It formats by hand: at feed-serving rates slog's generic record
// costs more than serving the feed. Paths are masked (maskPath) and query strings are left
// out, so no token reaches the log.
type AccessLog struct {
	// lines is w when it formats a line into its own buffer under its own lock (the
	// server's buffered log output): one lock and no copy per request. Any other writer
	// gets a line formatted into buf under mu. Either way the lock held while a line is
	// formatted also guards sec and secFmt.
	lines *logbuf.Writer
	mu    sync.Mutex
	w     io.Writer
	json  bool
	buf   []byte
	// The time of a line to the second, formatted once per second: formatting a time
	// costs more than the rest of the line.
	sec    int64
	secFmt []byte
}

// NewAccessLog returns an access log writing to w, as JSON when json is set.
func NewAccessLog(w io.Writer, json bool) *AccessLog {
	l := &AccessLog{w: w, json: json}
	l.lines, _ = w.(*logbuf.Writer)
	return l
}

// write logs a request that ended at end after took.
// client is the address the request counts against (limit.Client); id is the one
// framer.begin gave the request, which requestIDPattern allows.
func (l *AccessLog) write(end time.Time, took time.Duration, client netip.Addr, method, path string, status, size int, id string) {
	us := took.Microseconds()
	if size < 0 {
		size = 0
	}
	if l.lines != nil {
		l.lines.Append(func(b []byte) []byte { return l.appendLine(b, end, us, client, method, path, status, size, id) })
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = l.appendLine(l.buf[:0], end, us, client, method, path, status, size, id)
	l.w.Write(l.buf)
}

// appendLine appends the line; the caller holds the lock that guards sec and secFmt.
func (l *AccessLog) appendLine(b []byte, end time.Time, us int64, client netip.Addr, method, path string, status, size int, id string) []byte {
	if l.json {
		b = append(b, `{"time":"`...)
		b = l.appendTime(b, end)
		b = append(b, `","level":"INFO","msg":"request","client":"`...)
		b = client.AppendTo(b)
		b = append(b, `","method":`...)
		b = appendJSONString(b, method)
		b = append(b, `,"path":`...)
		b = appendJSONString(b, path)
		b = append(b, `,"status":`...)
		b = strconv.AppendInt(b, int64(status), 10)
		b = append(b, `,"bytes":`...)
		b = strconv.AppendInt(b, int64(size), 10)
		b = append(b, `,"duration_ms":`...)
		b = appendMillis(b, us)
		b = append(b, `,"request_id":`...)
		b = appendJSONString(b, id)
		b = append(b, "}\n"...)
	} else {
		b = append(b, "time="...)
		b = l.appendTime(b, end)
		b = append(b, " level=INFO msg=request client="...)
		b = client.AppendTo(b)
		b = append(b, " method="...)
		if method == "GET" || method == "HEAD" { // most lines: nothing to quote
			b = append(b, method...)
		} else {
			b = appendText(b, method)
		}
		b = append(b, " path="...)
		b = appendText(b, path)
		b = append(b, " status="...)
		b = strconv.AppendInt(b, int64(status), 10)
		b = append(b, " bytes="...)
		b = strconv.AppendInt(b, int64(size), 10)
		b = append(b, " duration_ms="...)
		b = appendMillis(b, us)
		b = append(b, " request_id="...)
		b = append(b, id...) // the framer's, or one the client sent that requestIDPattern allows: nothing to quote
		b = append(b, '\n')
	}
	return b
}

// appendTime appends t in UTC as 2006-01-02T15:04:05.000Z, the shape slog gives, reusing
// the part up to the second from the previous line when it is the same second.
func (l *AccessLog) appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	if sec := t.Unix(); sec != l.sec || l.secFmt == nil {
		l.sec, l.secFmt = sec, t.AppendFormat(l.secFmt[:0], "2006-01-02T15:04:05.")
	}
	b = append(b, l.secFmt...)
	ms := t.Nanosecond() / int(time.Millisecond)
	return append(b, byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// appendMillis appends us microseconds as milliseconds, as strconv.AppendFloat(b,
// float64(us)/1000, 'f', -1, 64) would ("0.655", "1.5", "2") at a fraction of the cost.
func appendMillis(b []byte, us int64) []byte {
	if us < 0 {
		b, us = append(b, '-'), -us
	}
	b = strconv.AppendInt(b, us/1000, 10)
	frac := us % 1000
	if frac == 0 {
		return b
	}
	digits := [3]byte{byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	n := 3
	for digits[n-1] == '0' {
		n--
	}
	return append(append(b, '.'), digits[:n]...)
}

// quoted are the bytes that make appendText quote a value: space and controls, '=', '"'
// and all of UTF-8's multi-byte forms. One load per byte: paths are most of a line.
var quoted = func() (q [256]bool) {
	for c := range 256 {
		q[c] = c <= ' ' || c == '=' || c == '"' || c >= utf8.RuneSelf
	}
	return q
}()

// appendText writes s bare when it is a plain token, else quoted, as slog's text handler does.
func appendText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if quoted[s[i]] {
			return strconv.AppendQuote(b, s)
		}
	}
	if s == "" {
		return append(b, `""`...)
	}
	return append(b, s...)
}

// appendJSONString writes s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20 || r == utf8.RuneError || r == 0x2028 || r == 0x2029:
			b = append(b, '\\', 'u', hex[(r>>12)&0xf], hex[(r>>8)&0xf], hex[(r>>4)&0xf], hex[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}
