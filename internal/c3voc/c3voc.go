// Package c3voc gives tests what the frab/pretalx ecosystem checks schedules against: the
// C3VOC validators (schedule.xml.xsd through xmllint, schedule.schema.json through a Go
// JSON Schema library) and the real published agendas of the corpus, both from the
// shared folder beside the repository (../shared, or $CONFCAL_SHARED). Without them a test
// skips with a message; under CI it fails.
package c3voc

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Shared returns the shared folder, skipping (or failing under CI) when it is absent.
func Shared(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("CONFCAL_SHARED")
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "validators", "schedule.xml.xsd")); err != nil {
		need(t, "the C3VOC validators and the corpus ("+dir+"; set CONFCAL_SHARED): "+err.Error())
	}
	return dir
}

func need(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// JSONErrors validates a schedule.json against the C3VOC schema (formats asserted) and
// returns its errors, one per failing place; none for a valid document.
func JSONErrors(t testing.TB, data []byte) []string {
	t.Helper()
	dir := Shared(t)
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		schema, schemaErr = c.Compile(filepath.Join(dir, "validators", "schedule.schema.json"))
	})
	if schemaErr != nil {
		t.Fatalf("compile the C3VOC schema: %v", schemaErr)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("schedule.json is not JSON: %v", err)
	}
	err = schema.Validate(inst)
	var ve *jsonschema.ValidationError
	if err == nil {
		return nil
	}
	if !errors.As(err, &ve) {
		t.Fatal(err)
	}
	var out []string
	for _, leaf := range leaves(ve) {
		out = append(out, "/"+strings.Join(leaf.InstanceLocation, "/")+": "+leaf.Error())
	}
	return out
}

// leaves are the innermost causes: what to fix, without the chain above them.
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// XMLErrors validates a schedule.xml against the C3VOC XSD with xmllint (Debian's
// libxml2-utils) and returns its errors; none for a valid document.
func XMLErrors(t testing.TB, data []byte) []string {
	t.Helper()
	dir := Shared(t)
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		need(t, "the XSD check needs xmllint (apt-get install libxml2-utils): "+err.Error())
	}
	f := filepath.Join(t.TempDir(), "schedule.xml")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(xmllint, "--noout", "--schema", filepath.Join(dir, "validators", "schedule.xml.xsd"), f)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("xmllint: %v", err)
	}
	var errs []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "error") {
			errs = append(errs, strings.TrimPrefix(line, f+":"))
		}
	}
	if err != nil && len(errs) == 0 {
		t.Fatalf("xmllint failed without saying why: %v\n%s", err, out)
	}
	return errs
}
