// Package bundled holds the sample event that ships inside the binary: P99 CONF 24, built
// from its public announcement.
package bundled

import (
	"bytes"
	_ "embed"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/formats"
)

// Slug names the bundled event.
const Slug = "p99conf-24"

//go:embed p99conf-24.json
var document []byte

// Document returns the bundled event as a native JSON document.
func Document() []byte { return bytes.Clone(document) }

// Event returns the bundled event, validated.
func Event() (*agenda.Event, error) {
	return formats.ReadNative(bytes.NewReader(document), "")
}
