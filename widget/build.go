// Package widget builds confcal's embeddable script: plain ES2020 modules in src/, bundled
// and minified by esbuild's Go API into one classic script (an IIFE with no globals), at
// start from the sources embedded in the binary. No Node is needed to build or run it.
package widget

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/confcal/confcal/internal/l10n"
)

//go:embed src/*.js src/*.css
var sources embed.FS

// Script is a built script and its content hash.
type Script struct {
	JS   []byte
	Hash string // 16 hex digits of the SHA-256 of JS, for the immutable URL
}

// Entry points: the widget itself, and the small script of the iframe embeds that reports
// their height to the parent page.
const (
	Widget = "index.js"
	Embed  = "embed.js"
)

var (
	once  sync.Once
	built map[string]Script
	err   error
)

// Build returns the bundles of both entry points, built once per process.
func Build() (widget, embed Script, _ error) {
	once.Do(func() {
		built = map[string]Script{}
		for _, entry := range []string{Widget, Embed} {
			var s Script
			if s, err = bundle(sources, entry); err != nil {
				return
			}
			built[entry] = s
		}
	})
	return built[Widget], built[Embed], err
}

// bundle runs esbuild over src/ of fsys, starting at entry. Modules are read from fsys
// through a plugin, so the build needs no files on disk.
func bundle(fsys fs.FS, entry string) (Script, error) {
	// The catalogues' content-hashed file names: a language's file never changes under its
	// name, so it is cached immutably, and a new widget asks for new names.
	names, err := json.Marshal(l10n.Files())
	if err != nil {
		return Script{}, err
	}
	res := api.Build(api.BuildOptions{
		Define:            map[string]string{"__L10N__": string(names)},
		EntryPoints:       []string{entry},
		Bundle:            true,
		Format:            api.FormatIIFE,
		Target:            api.ES2020,
		Platform:          api.PlatformBrowser,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
		Write:             false,
		Outfile:           "out.js",
		Plugins:           []api.Plugin{embedded(fsys)},
		LogLevel:          api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		var msgs []string
		for _, m := range api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage}) {
			msgs = append(msgs, strings.TrimSpace(m))
		}
		return Script{}, fmt.Errorf("build %s:\n%s", entry, strings.Join(msgs, "\n"))
	}
	if len(res.OutputFiles) != 1 {
		return Script{}, errors.New("build " + entry + ": no output")
	}
	js := res.OutputFiles[0].Contents
	sum := sha256.Sum256(js)
	return Script{JS: js, Hash: hex.EncodeToString(sum[:8])}, nil
}

// embedded resolves relative imports inside fsys's src/ and loads them from there.
func embedded(fsys fs.FS) api.Plugin {
	return api.Plugin{Name: "embedded", Setup: func(b api.PluginBuild) {
		b.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
			p := a.Path
			if a.Importer != "" {
				if !strings.HasPrefix(p, "./") {
					return api.OnResolveResult{}, fmt.Errorf("%s imports %q: only relative imports of src/ are allowed", a.Importer, p)
				}
				p = path.Join(path.Dir(a.Importer), p)
			}
			return api.OnResolveResult{Path: path.Clean(p), Namespace: "src"}, nil
		})
		b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: "src"}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
			data, err := fs.ReadFile(fsys, path.Join("src", a.Path))
			if err != nil {
				return api.OnLoadResult{}, err
			}
			s, loader := string(data), api.LoaderJS
			if path.Ext(a.Path) == ".css" {
				// A stylesheet is imported as its minified text, for a constructable sheet.
				t := api.Transform(s, api.TransformOptions{Loader: api.LoaderCSS, MinifyWhitespace: true,
					MinifySyntax: true, Target: api.ES2020, Sourcefile: a.Path})
				if len(t.Errors) > 0 {
					return api.OnLoadResult{Errors: t.Errors}, nil
				}
				s, loader = string(t.Code), api.LoaderText
			}
			return api.OnLoadResult{Contents: &s, Loader: loader}, nil
		})
	}}
}
