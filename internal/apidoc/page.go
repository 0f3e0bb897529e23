package apidoc

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html/template"
	"maps"
	"slices"
	"strings"

	"github.com/yuin/goldmark"
)

//go:embed page.html
var pageSource string

var page = template.Must(template.New("page").Funcs(template.FuncMap{"md": markdown, "inline": inline}).Parse(pageSource))

// markdown renders a description (CommonMark, as OpenAPI specifies). Raw HTML in it is
// not passed through: goldmark drops it unless told otherwise.
func markdown(s string) template.HTML {
	var buf bytes.Buffer
	if err := goldmark.Convert([]byte(s), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(s))
	}
	return template.HTML(buf.String())
}

// inline is markdown for a line: without the paragraph around it.
func inline(s string) template.HTML {
	h := strings.TrimSpace(string(markdown(s)))
	if strings.HasPrefix(h, "<p>") && strings.HasSuffix(h, "</p>") && strings.Count(h, "<p>") == 1 {
		h = h[len("<p>") : len(h)-len("</p>")]
	}
	return template.HTML(h)
}

type pageView struct {
	Title, Summary, Version, CSS, About string
	Tags                                []tagView
	Schemas                             []schemaView
}

type tagView struct {
	Name, Description string
	Ops               []opView
}

type opView struct {
	ID, Method, Path, Summary, Description, Security string
	Params                                           []paramView
	Body                                             []contentView
	Responses                                        []responseView
}

type paramView struct {
	Name, In, Description string
	Required              bool
	Schema                schemaLink
}

type contentView struct {
	Type   string
	Schema schemaLink
}

type responseView struct {
	Status, Description string
	Content             []contentView
	Headers             []string
}

// schemaLink names a component schema, or sums up an inline one.
type schemaLink struct{ Ref, Text string }

type schemaView struct{ Name, Description, JSON string }

// Page renders the document for people: every operation by tag, with its parameters,
// body and responses, then every schema. It is plain HTML (no script), styled by the
// stylesheet at css. Text from the document is escaped by html/template.
func (d *Doc) Page(css string) ([]byte, error) {
	info, _ := d.Tree["info"].(map[string]any)
	v := pageView{Title: str(info["title"]), Summary: str(info["summary"]), Version: str(d.Tree["openapi"]), CSS: css,
		About: str(info["description"])}
	at := map[string]int{} // tag name → index in v.Tags
	tags, _ := d.Tree["tags"].([]any)
	for _, t := range tags {
		m, _ := t.(map[string]any)
		at[str(m["name"])] = len(v.Tags)
		v.Tags = append(v.Tags, tagView{Name: str(m["name"]), Description: str(m["description"])})
	}
	for _, o := range d.Operations() {
		tag := ""
		if ts, _ := o.Op["tags"].([]any); len(ts) > 0 {
			tag = str(ts[0])
		}
		i, ok := at[tag]
		if !ok {
			i, at[tag] = len(v.Tags), len(v.Tags)
			v.Tags = append(v.Tags, tagView{Name: tag})
		}
		v.Tags[i].Ops = append(v.Tags[i].Ops, d.opView(o))
	}
	schemas, _ := d.lookup("#/components/schemas")
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		s, _ := schemas[name].(map[string]any)
		js, _ := json.MarshalIndent(s, "", "  ")
		v.Schemas = append(v.Schemas, schemaView{Name: name, Description: str(s["description"]), JSON: string(js)})
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (d *Doc) opView(o Operation) opView {
	item, _ := d.lookup("#/paths/" + strings.ReplaceAll(strings.ReplaceAll(o.Path, "~", "~0"), "/", "~1"))
	out := opView{ID: "op-" + str(o.Op["operationId"]), Method: strings.ToUpper(o.Method), Path: o.Path,
		Summary: str(o.Op["summary"]), Description: str(o.Op["description"])}
	if sec, _ := o.Op["security"].([]any); len(sec) > 0 {
		var names []string
		for _, s := range sec {
			for k := range s.(map[string]any) {
				names = append(names, k)
			}
		}
		out.Security = "Bearer " + strings.Join(names, " or ") + " (Authorization header)"
	}
	params, _ := item["parameters"].([]any)
	own, _ := o.Op["parameters"].([]any)
	for _, p := range append(slices.Clone(params), own...) {
		m := d.resolve(p)
		out.Params = append(out.Params, paramView{Name: str(m["name"]), In: str(m["in"]), Description: str(m["description"]),
			Required: m["required"] == true, Schema: d.link(m["schema"])})
	}
	if rb := d.resolve(o.Op["requestBody"]); rb != nil {
		out.Body = d.contents(rb)
	}
	responses, _ := o.Op["responses"].(map[string]any)
	for _, status := range slices.Sorted(maps.Keys(responses)) {
		r := d.resolve(responses[status])
		rv := responseView{Status: status, Description: str(r["description"]), Content: d.contents(r)}
		if hs, ok := r["headers"].(map[string]any); ok {
			rv.Headers = slices.Sorted(maps.Keys(hs))
		}
		out.Responses = append(out.Responses, rv)
	}
	return out
}

func (d *Doc) contents(m map[string]any) []contentView {
	c, _ := m["content"].(map[string]any)
	var out []contentView
	for _, t := range slices.Sorted(maps.Keys(c)) {
		mt, _ := c[t].(map[string]any)
		out = append(out, contentView{Type: t, Schema: d.link(mt["schema"])})
	}
	return out
}

// link names the component schema s refers to, or writes s in one line.
func (d *Doc) link(s any) schemaLink {
	m, _ := s.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok {
			return schemaLink{Ref: name}
		}
	}
	if m == nil {
		return schemaLink{}
	}
	// The common cases in words: a type, or a choice of values.
	if e, ok := m["enum"].([]any); ok && len(m) <= 2 {
		words := make([]string, len(e))
		for i, x := range e {
			words[i], _ = x.(string)
		}
		return schemaLink{Text: strings.Join(words, " | ")}
	}
	if t, ok := m["type"].(string); ok && len(m) == 1 {
		return schemaLink{Text: t}
	}
	js, _ := json.Marshal(m)
	return schemaLink{Text: string(js)}
}

// resolve follows a local $ref, once (the document's refs to components are one level).
func (d *Doc) resolve(v any) map[string]any {
	m, _ := v.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		if target, ok := d.lookup(ref); ok {
			return target
		}
	}
	return m
}

// lookup finds the object at a local JSON pointer (#/a/b).
func (d *Doc) lookup(ref string) (map[string]any, bool) {
	path, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, false
	}
	var cur any = d.Tree
	for _, part := range strings.Split(path, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur = m[part]
	}
	m, ok := cur.(map[string]any)
	return m, ok
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
