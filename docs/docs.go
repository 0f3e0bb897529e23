// Package docs embeds the documents that the server serves as they are written here: the
// native agenda format's JSON Schema and the OpenAPI document of the HTTP interface.
package docs

import _ "embed"

// AgendaSchema is agenda.schema.json, the JSON Schema of the native agenda format.
//
//go:embed agenda.schema.json
var AgendaSchema []byte

// OpenAPI is openapi.yaml, the HTTP interface (without the agenda's shapes, which
// package apidoc takes from AgendaSchema).
//
//go:embed openapi.yaml
var OpenAPI []byte
