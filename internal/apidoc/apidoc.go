// Package apidoc builds the OpenAPI document of the HTTP interface from its one source,
// docs/openapi.yaml, with the agenda's shapes taken from docs/agenda.schema.json, and
// renders it as a page for people.
package apidoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/goccy/go-yaml"

	"github.com/confcal/confcal/docs"
)

// Doc is the OpenAPI document.
type Doc struct {
	JSON []byte         // application/json
	Tree map[string]any // the decoded JSON

	yaml func() ([]byte, error)
}

// YAML is the document as YAML, written on first use (it costs more than the rest).
func (d *Doc) YAML() ([]byte, error) { return d.yaml() }

// Shared is the document built once per process, for serving: callers must not change it.
var Shared = sync.OnceValues(Load)

// The agenda's arrays whose items become named schemas.
var agendaItems = []struct{ prop, name string }{
	{"tracks", "Track"}, {"rooms", "Room"}, {"speakers", "Speaker"}, {"sessions", "Session"},
}

// Load builds the document from the embedded sources.
func Load() (*Doc, error) {
	return build(docs.OpenAPI, docs.AgendaSchema)
}

func build(src, agendaSchema []byte) (*Doc, error) {
	js, err := yaml.YAMLToJSON(src)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	var tree map[string]any
	if err := json.Unmarshal(js, &tree); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	schemas, err := dig(tree, "components", "schemas")
	if err != nil {
		return nil, err
	}
	var ag map[string]any
	if err := json.Unmarshal(agendaSchema, &ag); err != nil {
		return nil, fmt.Errorf("agenda.schema.json: %w", err)
	}
	// The document is a schema resource of its own: its dialect is the document's, and an
	// $id inside components would move the base of every reference under it.
	delete(ag, "$schema")
	delete(ag, "$id")
	props, err := dig(ag, "properties")
	if err != nil {
		return nil, fmt.Errorf("agenda.schema.json: %w", err)
	}
	for _, it := range agendaItems {
		arr, err := dig(props, it.prop)
		if err != nil {
			return nil, fmt.Errorf("agenda.schema.json: %w", err)
		}
		item, ok := arr["items"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("agenda.schema.json: properties.%s has no items object", it.prop)
		}
		schemas[it.name] = item
		arr["items"] = map[string]any{"$ref": "#/components/schemas/" + it.name}
	}
	schemas["Agenda"] = ag
	// The speaker API answers a speaker with the ids of their sessions.
	sp := deepCopy(schemas["Speaker"]).(map[string]any)
	spProps, err := dig(sp, "properties")
	if err != nil {
		return nil, fmt.Errorf("agenda.schema.json: speaker: %w", err)
	}
	spProps["sessionIds"] = map[string]any{"type": "array", "items": map[string]any{"type": "string"},
		"description": "The ids of the speaker's sessions, in agenda order."}
	req, _ := sp["required"].([]any)
	sp["required"] = append(slices.Clone(req), "sessionIds")
	schemas["SpeakerWithSessions"] = sp

	out, err := marshalOrdered(tree)
	if err != nil {
		return nil, err
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, out, "", "  "); err != nil {
		return nil, err
	}
	return &Doc{JSON: indented.Bytes(), Tree: tree, yaml: sync.OnceValues(func() ([]byte, error) { return toYAML(out) })}, nil
}

// toYAML writes the JSON document as YAML, in the same order, descriptions as blocks.
func toYAML(js []byte) ([]byte, error) {
	var v any
	if err := yaml.UnmarshalWithOptions(js, &v, yaml.UseOrderedMap()); err != nil {
		return nil, err
	}
	return yaml.MarshalWithOptions(v, yaml.UseLiteralStyleIfMultiline(true), yaml.IndentSequence(true))
}

// topLevel is the order of the document's sections, as the specification lists them; keys
// inside them are sorted.
var topLevel = []string{"openapi", "info", "jsonSchemaDialect", "servers", "tags", "paths", "webhooks", "components", "security", "externalDocs"}

// marshalOrdered writes tree as JSON with its sections in the specification's order, so
// that a reader of the JSON or the YAML meets the version and info first.
func marshalOrdered(tree map[string]any) ([]byte, error) {
	keys := slices.DeleteFunc(slices.Clone(topLevel), func(k string) bool { _, ok := tree[k]; return !ok })
	for _, k := range slices.Sorted(maps.Keys(tree)) {
		if !slices.Contains(topLevel, k) {
			keys = append(keys, k)
		}
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		vj, err := json.Marshal(tree[k])
		if err != nil {
			return nil, err
		}
		buf.Write(kj)
		buf.WriteByte(':')
		buf.Write(vj)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// dig returns the object at path in v.
func dig(v map[string]any, path ...string) (map[string]any, error) {
	for i, k := range path {
		next, ok := v[k].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("no object at %v", path[:i+1])
		}
		v = next
	}
	return v, nil
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	default:
		return v
	}
}

// Operation is one method of one path, as the routes and the page list them.
type Operation struct {
	Method, Path string
	Op           map[string]any
}

// methods are the operation keys of a path item, in the order the page shows them.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Operations lists every operation, by path then method.
func (d *Doc) Operations() []Operation {
	paths, _ := d.Tree["paths"].(map[string]any)
	var out []Operation
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		item, _ := paths[p].(map[string]any)
		for _, m := range methods {
			if op, ok := item[m].(map[string]any); ok {
				out = append(out, Operation{Method: m, Path: p, Op: op})
			}
		}
	}
	return out
}
