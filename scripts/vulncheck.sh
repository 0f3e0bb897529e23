#!/usr/bin/env bash
# Known vulnerabilities reachable from confcal's code, by govulncheck, against a database
# built here from golang.org/x/vulndb as the Go module proxy serves it (vuln.go.dev is not
# reachable from these machines). VULNDB picks another snapshot of the module.
#   scripts/vulncheck.sh
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
vulndb="${VULNDB:-v0.0.0-20261105234957-e22db6528018}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
src=$(GOFLAGS=-mod=mod go mod download -json "golang.org/x/vulndb@$vulndb" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
(cd "$work" && GOFLAGS=-mod=mod go run "golang.org/x/vulndb/cmd/indexdb@$vulndb" -vulns "$src/data/osv" -out "$work/db")
go run golang.org/x/vuln/cmd/govulncheck@v1.9.0 -db "file://$work/db" ./...
