package apidoc

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/confcal/confcal/docs"
)

// TestDocumentIsValidOpenAPI31 checks the served document against the OpenAPI 3.1
// specification's own schema, with libopenapi-validator, and that every reference in it
// resolves.
func TestDocumentIsValidOpenAPI31(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if v := d.Tree["openapi"]; v != "3.1.0" {
		t.Fatalf("openapi = %v, want 3.1.0", v)
	}
	y, err := d.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string][]byte{"json": d.JSON, "yaml": y} {
		for _, p := range problems(src) {
			t.Errorf("%s: %s", name, p)
		}
	}
}

// TestBrokenDocumentIsRefused: the check above can fail.
func TestBrokenDocumentIsRefused(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for name, breakIt := range map[string]func(map[string]any){
		"responses a string": func(m map[string]any) {
			m["paths"].(map[string]any)["/healthz"].(map[string]any)["get"].(map[string]any)["responses"] = "none"
		},
		"a reference to nothing": func(m map[string]any) {
			m["paths"].(map[string]any)["/healthz"].(map[string]any)["get"].(map[string]any)["responses"] = map[string]any{
				"200": map[string]any{"$ref": "#/components/responses/Nothing"}}
		},
	} {
		broken := deepCopy(d.Tree).(map[string]any)
		breakIt(broken)
		src, _ := json.Marshal(broken)
		if len(problems(src)) == 0 {
			t.Errorf("%s: the document passed", name)
		}
	}
}

// problems lists what libopenapi finds wrong with an OpenAPI document: its model, its
// references and its validation against the specification's schema.
func problems(src []byte) []string {
	var out []string
	doc, err := libopenapi.NewDocument(src)
	if err != nil {
		return []string{err.Error()}
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		out = append(out, "model: "+err.Error())
	}
	if model != nil && model.Index != nil {
		for _, e := range model.Index.GetReferenceIndexErrors() {
			out = append(out, "reference: "+e.Error())
		}
	}
	v, errs := validator.NewValidator(doc)
	for _, e := range errs {
		out = append(out, e.Error())
	}
	if v == nil {
		return out
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			out = append(out, e.Message+": "+e.Reason)
			for _, se := range e.SchemaValidationErrors {
				out = append(out, "  "+se.Reason+" at "+se.FieldPath+" ("+se.KeywordLocation+")")
			}
		}
	}
	return out
}

// TestYAMLAndJSONAgree: both forms are one document.
func TestYAMLAndJSONAgree(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	y, err := d.YAML()
	if err != nil {
		t.Fatal(err)
	}
	again, err := build(y, []byte(`{"properties":{"tracks":{"items":{}},"rooms":{"items":{}},"speakers":{"items":{"properties":{}}},"sessions":{"items":{}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	// Rebuilt from the YAML it serves, with a dummy agenda schema, only the agenda's
	// schemas differ: everything else must be the same tree.
	for _, k := range []string{"paths", "info", "tags", "servers"} {
		a, _ := json.Marshal(d.Tree[k])
		b, _ := json.Marshal(again.Tree[k])
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the JSON and the YAML", k)
		}
	}
}

// TestAgendaSchemasComeFromTheAgendaFormat: docs/agenda.schema.json is the one source of
// the agenda's shapes; the document holds it, with each array's items named.
func TestAgendaSchemasComeFromTheAgendaFormat(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(docs.AgendaSchema, &want); err != nil {
		t.Fatal(err)
	}
	schemas := d.Tree["components"].(map[string]any)["schemas"].(map[string]any)
	got := deepCopy(schemas["Agenda"]).(map[string]any)
	// Put the named items back in place: the result must be the file, less $schema and $id.
	props := got["properties"].(map[string]any)
	for _, it := range agendaItems {
		props[it.prop].(map[string]any)["items"] = schemas[it.name]
	}
	delete(want, "$schema")
	delete(want, "$id")
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if !bytes.Equal(a, b) {
		t.Errorf("the document's Agenda schema is not docs/agenda.schema.json:\n%s\n%s", a, b)
	}
	sp := schemas["SpeakerWithSessions"].(map[string]any)
	if _, ok := sp["properties"].(map[string]any)["sessionIds"]; !ok {
		t.Error("SpeakerWithSessions has no sessionIds")
	}
	if _, ok := schemas["Speaker"].(map[string]any)["properties"].(map[string]any)["sessionIds"]; ok {
		t.Error("Speaker (the import format's) was given sessionIds")
	}
	if !strings.Contains(string(d.JSON), `"#/components/schemas/Session"`) {
		t.Error("the agenda's sessions do not refer to the Session schema")
	}
}
