package widget

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
	"testing/fstest"
)

// budget is the most widget.js may weigh gzipped, with every element in it.
const budget = 15 * 1024

func TestBuild(t *testing.T) {
	w, e, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]Script{"widget": w, "embed": e} {
		if len(s.JS) == 0 || len(s.Hash) != 16 {
			t.Fatalf("%s: %d bytes, hash %q", name, len(s.JS), s.Hash)
		}
		// One classic script: an IIFE, nothing left at the top level, no eval.
		js := strings.TrimSpace(string(s.JS))
		if !strings.HasPrefix(js, "(()=>{") || !strings.HasSuffix(js, "})();") {
			t.Errorf("%s is not one IIFE: %.40q … %.20q", name, js, js[max(0, len(js)-20):])
		}
		for _, bad := range []string{"eval(", "new Function", "innerHTML", "insertAdjacentHTML", "document.write", "define.amd"} {
			if strings.Contains(js, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
	}
	size := gzipped(t, w.JS)
	t.Logf("widget.js: %d bytes, %d gzipped (budget %d)", len(w.JS), size, budget)
	if size > budget {
		t.Errorf("widget.js is %d bytes gzipped, over the budget of %d", size, budget)
	}
}

func TestBuildReportsErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"src/index.js":  {Data: []byte("import { x } from './broken.js'\nx()\n")},
		"src/broken.js": {Data: []byte("export const x = () => {\n")},
	}
	_, err := bundle(fsys, "index.js")
	if err == nil || !strings.Contains(err.Error(), "broken.js") {
		t.Fatalf("want an error naming broken.js, got %v", err)
	}
	fsys["src/index.js"] = &fstest.MapFile{Data: []byte("import 'left-pad'\n")}
	if _, err := bundle(fsys, "index.js"); err == nil || !strings.Contains(err.Error(), "only relative imports") {
		t.Fatalf("want a refused package import, got %v", err)
	}
}

func gzipped(t *testing.T, b []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}
