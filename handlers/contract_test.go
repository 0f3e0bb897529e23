package handlers_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/radix"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/confcal/confcal/handlers"
	"github.com/confcal/confcal/internal/apidoc"
)

// The OpenAPI document (docs/openapi.yaml, as the server serves it) holds the handlers to
// their contract: every request the tests send through env.do and the answer to it are
// validated against it, with libopenapi-validator.
var contract struct {
	once sync.Once
	mu   sync.Mutex          // the validator's caches are not documented as safe for concurrent use
	v    validator.Validator // answers
	req  validator.Validator // requests, strictly
	err  error
}

func contractValidator(t testing.TB) validator.Validator {
	t.Helper()
	contract.once.Do(func() {
		d, err := apidoc.Load()
		if err != nil {
			contract.err = err
			return
		}
		doc, err := libopenapi.NewDocument(d.JSON)
		if err != nil {
			contract.err = err
			return
		}
		model, err := doc.BuildV3Model()
		if err != nil {
			contract.err = err
			return
		}
		contract.v = validator.NewValidatorFromV3Model(&model.Model, config.WithPathTree(bySuffix(&model.Model)))
		contract.req = validator.NewValidatorFromV3Model(&model.Model, strictness(&model.Model)...)
	})
	if contract.err != nil {
		t.Fatalf("the OpenAPI document: %v", contract.err)
	}
	return contract.v
}

// checkContract validates one exchange: the answer always (status, content type, JSON
// body, required headers), and the request when the server accepted it (a request the
// server took must be one the document allows; a refused one may be anything). A path the
// document does not have may only have been answered 404 or 405 in the error shape.
func checkContract(t testing.TB, method, target, body string, header http.Header, w *httptest.ResponseRecorder) {
	t.Helper()
	checkExchange(t, method, target, body, header, w.Result(), w.Body.Bytes())
}

// checkExchange is checkContract for any answer: res with its body already read as data.
func checkExchange(t testing.TB, method, target, body string, header http.Header, res *http.Response, data []byte) {
	t.Helper()
	if method == http.MethodHead || method == http.MethodOptions {
		return // HEAD is GET without a body (the document says so); OPTIONS is CORS preflight
	}
	if u, err := url.Parse(target); err == nil && u.IsAbs() {
		target = u.RequestURI()
	}
	newReq := func() *http.Request {
		r := httptest.NewRequest(method, target, strings.NewReader(body))
		r.Header = header.Clone()
		if body != "" && r.Header.Get("Content-Type") == "" {
			// A body without a type is application/octet-stream (RFC 9110, 8.3).
			r.Header.Set("Content-Type", "application/octet-stream")
		}
		return r
	}
	res.Header = res.Header.Clone()
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Errorf("contract: %s %s: gzip: %v", method, target, err)
			return
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Errorf("contract: %s %s: gzip: %v", method, target, err)
			return
		}
		res.Header.Del("Content-Encoding")
	}
	res.Body = io.NopCloser(bytes.NewReader(data))
	v := contractValidator(t)
	contract.mu.Lock()
	defer contract.mu.Unlock()
	if ok, errs := v.ValidateHttpResponse(newReq(), res); !ok {
		if routeMissing(errs) {
			var e apiError
			if (res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed) ||
				json.Unmarshal(data, &e) != nil || e.Error.Code == "" {
				t.Errorf("contract: %s %s is not in the OpenAPI document, yet answered %d %s", method, target, res.StatusCode, clip(data))
			}
			return
		}
		report(t, "response", method, target, res.StatusCode, data, errs)
	}
	if res.StatusCode < 400 {
		if ok, errs := contract.req.ValidateHttpRequestSync(newReq()); !ok {
			report(t, "request", method, target, res.StatusCode, data, errs)
		}
	}
}

// bySuffix looks paths up as the router does: one path segment holds a session's page or,
// ending in ".ics", its calendar file; the validator's own lookup ranks "{session}" and
// "{session}.ics" alike.
func bySuffix(doc *v3.Document) radix.PathLookup {
	l := suffixLookup{ics: radix.NewPathTree(), other: radix.NewPathTree()}
	for pair := doc.Paths.PathItems.First(); pair != nil; pair = pair.Next() {
		if p, ok := strings.CutSuffix(pair.Key(), ".ics"); ok {
			l.ics.Insert(p, pair.Value()) // the tree matches whole segments: the suffix is put back below
		} else {
			l.other.Insert(pair.Key(), pair.Value())
		}
	}
	return l
}

type suffixLookup struct{ ics, other *radix.PathTree }

func (l suffixLookup) Lookup(p string) (*v3.PathItem, string, bool) {
	if bare, ok := strings.CutSuffix(p, ".ics"); ok {
		if item, path, ok := l.ics.Lookup(bare); ok {
			return item, path + ".ics", ok
		}
	}
	return l.other.Lookup(p)
}

// strictness is how the tests validate: strictly (undeclared query parameters, request
// headers and body properties fail too), with the ".ics" paths looked up as the router
// does, and without requiring each response to list the headers that the document's
// conventions put on every response of a kind (security headers, CORS, request ids).
func strictness(doc *v3.Document) []config.Option {
	return []config.Option{config.WithPathTree(bySuffix(doc)), config.WithStrictMode(),
		config.WithStrictIgnoredHeadersExtra("X-Content-Type-Options", "Cross-Origin-Resource-Policy", "Referrer-Policy",
			"Content-Security-Policy", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "X-Request-Id",
			"Vary", "Content-Disposition", "User-Agent", "RemoteAddr")}
}

func routeMissing(errs []*verrors.ValidationError) bool {
	for _, e := range errs {
		if e.IsPathMissingError() || e.IsOperationMissingError() {
			return true
		}
	}
	return false
}

func report(t testing.TB, what, method, target string, status int, data []byte, errs []*verrors.ValidationError) {
	t.Helper()
	for _, e := range errs {
		msg := e.Message
		if e.Reason != "" {
			msg += ": " + e.Reason
		}
		for _, se := range e.SchemaValidationErrors {
			msg += "; " + se.Reason + " at " + se.FieldPath
		}
		t.Errorf("contract: %s %s (%d): %s drifts from the OpenAPI document: %s\n\tbody: %s", method, target, status, what, msg, clip(data))
	}
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// TestContractCatchesDrift: the check above fails when a response and the document part
// ways, here a document changed three ways under the real handlers' answers.
func TestContractCatchesDrift(t *testing.T) {
	e := newEnv(t)
	for name, change := range map[string]func(schemas map[string]any){
		"a field the answer lacks": func(s map[string]any) {
			es := s["EventSummary"].(map[string]any)
			es["required"] = append(es["required"].([]any), "venue")
		},
		"an error code the answer uses, removed": func(s map[string]any) {
			code := s["Error"].(map[string]any)["properties"].(map[string]any)["error"].(map[string]any)["properties"].(map[string]any)["code"].(map[string]any)
			code["enum"] = []any{"bad_request"}
		},
		"a session's title made a number": func(s map[string]any) {
			s["Session"].(map[string]any)["properties"].(map[string]any)["title"] = map[string]any{"type": "integer"}
		},
	} {
		t.Run(name, func(t *testing.T) {
			d, err := apidoc.Load()
			if err != nil {
				t.Fatal(err)
			}
			change(d.Tree["components"].(map[string]any)["schemas"].(map[string]any))
			src, _ := json.Marshal(d.Tree)
			doc, err := libopenapi.NewDocument(src)
			if err != nil {
				t.Fatal(err)
			}
			model, err := doc.BuildV3Model()
			if err != nil {
				t.Fatal(err)
			}
			v := validator.NewValidatorFromV3Model(&model.Model, config.WithPathTree(bySuffix(&model.Model)))
			failed := 0
			for _, path := range []string{"/api/v1/events", "/api/v1/events/nope", "/api/v1/events/p99conf-24/sessions/stonebraker-doing-it-all-wrong"} {
				req := httptest.NewRequest("GET", path, nil)
				w := httptest.NewRecorder()
				e.h.ServeHTTP(w, req)
				res := w.Result()
				res.Body = io.NopCloser(bytes.NewReader(w.Body.Bytes()))
				if ok, _ := v.ValidateHttpResponse(httptest.NewRequest("GET", path, nil), res); !ok {
					failed++
				}
			}
			if failed != 1 {
				t.Errorf("%d of 3 answers failed the changed document, want exactly the one it concerns", failed)
			}
		})
	}
}

// TestEveryRouteIsInTheDocument compares the router with the document both ways: every
// route is documented (HEAD by the GET beside it) and every documented operation is routed.
func TestEveryRouteIsInTheDocument(t *testing.T) {
	e := newAdminEnv(t)
	d, err := apidoc.Load()
	if err != nil {
		t.Fatal(err)
	}
	// A path parameter is one whole segment to the router; the document may add a suffix
	// to it ("{session}.ics"), which the router matches within the same parameter.
	shape := func(p string) string {
		segs := strings.Split(p, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, ":") || strings.Contains(s, "{") {
				segs[i] = "*"
			}
		}
		return strings.Join(segs, "/")
	}
	documented := map[string]bool{}
	for _, op := range d.Operations() {
		documented[strings.ToUpper(op.Method)+" "+shape(op.Path)] = true
	}
	routed := map[string]bool{}
	routes := handlers.Routes(e.h)
	if len(routes) < 40 {
		t.Fatalf("only %d routes: %v", len(routes), routes)
	}
	for _, r := range routes {
		method, path := r[0], shape(r[1])
		routed[method+" "+path] = true
		if method == http.MethodHead {
			method = http.MethodGet
		}
		if !documented[method+" "+path] {
			t.Errorf("%s %s is routed but not in docs/openapi.yaml", r[0], r[1])
		}
	}
	for _, op := range d.Operations() {
		k := strings.ToUpper(op.Method) + " " + shape(op.Path)
		if !routed[k] {
			t.Errorf("%s %s is in docs/openapi.yaml but not routed", strings.ToUpper(op.Method), op.Path)
		}
		_, tokened := op.Op["security"]
		if op.Method == "get" && !tokened && !routed["HEAD "+shape(op.Path)] {
			t.Errorf("GET %s has no HEAD, though the document says every GET without a token answers it", op.Path)
		}
	}
}

// TestContractRefusesUndeclaredParameters: requests are checked strictly, so a test that
// sends a query parameter or header the document does not name fails.
func TestContractRefusesUndeclaredParameters(t *testing.T) {
	contractValidator(t)
	for _, c := range []struct{ path, header string }{
		{"/api/v1/events?bogus=1", ""},
		{"/events/p99conf-24/calendar.ics?trak=kernel", ""},
		{"/api/v1/events", "X-Undeclared"},
	} {
		r := httptest.NewRequest("GET", c.path, nil)
		if c.header != "" {
			r.Header.Set(c.header, "1")
		}
		contract.mu.Lock()
		ok, _ := contract.req.ValidateHttpRequestSync(r)
		contract.mu.Unlock()
		if ok {
			t.Errorf("GET %s %s passed", c.path, c.header)
		}
	}
	r := httptest.NewRequest("GET", "/events/p99conf-24/calendar.ics?track=kernel&day=2024-10-23", nil)
	contract.mu.Lock()
	defer contract.mu.Unlock()
	if ok, errs := contract.req.ValidateHttpRequestSync(r); !ok {
		t.Errorf("a documented request failed: %v", errs)
	}
}

// TestErrorCodesAreDocumented: every error code the handlers can write is in the Error
// schema's enum, and every code there is written somewhere, so a new code cannot ship
// undocumented even when no test provokes it.
func TestErrorCodesAreDocumented(t *testing.T) {
	d, err := apidoc.Load()
	if err != nil {
		t.Fatal(err)
	}
	code := d.Tree["components"].(map[string]any)["schemas"].(map[string]any)["Error"].(map[string]any)["properties"].(map[string]any)["error"].(map[string]any)["properties"].(map[string]any)["code"].(map[string]any)
	documented := map[string]bool{}
	for _, c := range code["enum"].([]any) {
		documented[c.(string)] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	// Codes are written as apiError{status, "code", …} or assigned to body.Code in writeError.
	written := regexp.MustCompile(`(?:&apiError\{http\.Status\w+, |body\.Code, body\.Message = [\w.]+, |body := errorJSON\{Code: )"([a-z_]+)"`)
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range written.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 10 {
		t.Fatalf("found only %d codes in the handlers' source: %v", len(used), used)
	}
	for c := range used {
		if !documented[c] {
			t.Errorf("error code %q is written by the handlers but not in the Error schema", c)
		}
	}
	for c := range documented {
		if !used[c] {
			t.Errorf("error code %q is in the Error schema but no handler writes it", c)
		}
	}
}
