#!/usr/bin/env bash
# Load run for docs/performance.md: the personal feed (10 of 300 sessions) and the event
# JSON through confcal's whole stack on SQLite and on PostgreSQL, side by side: wrk for
# throughput, vegeta for latency at a fixed rate. PostgreSQL runs as serve configures it for
# several instances (schedule cache entries live 750 ms). Needs wrk (Debian) and a
# PostgreSQL at $DSN (default: the local test database); each run uses its own schema.
#   scripts/dbload.sh [seconds per run, default 10] [fixed rate, default 1000]
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
secs="${1:-10}"; rate="${2:-1000}"
DSN="${DSN:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
server=(); client=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then server=(taskset -c 1); client=(taskset -c 0); fi
work=$(mktemp -d)
schema="dbload_$$"
cleanup() { kill $(jobs -p) 2>/dev/null || true; psql "$DSN" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/loadbed" ./internal/synth/cmd/loadbed
(cd "$work" && GOBIN="$work" GOFLAGS= go install github.com/tsenart/vegeta/v12@v12.13.0)
psql "$DSN" -qc "CREATE SCHEMA $schema"
echo "$(nproc) cores; pinned: ${server[*]:-no}; $(go version); $(psql "$DSN" -Atc 'select version()' | cut -d' ' -f1-2)"
for engine in sqlite postgres; do
  args=(-for "$(( 6 * (secs + 3) + 30 ))s")
  [ "$engine" = postgres ] && args+=(-database-url "$DSN&search_path=$schema")
  "${server[@]}" "$work/loadbed" "${args[@]}" > "$work/urls.$engine" &
  for _ in $(seq 100); do [ -s "$work/urls.$engine" ] && break; sleep 0.1; done
  read -r feed _ _ json < "$work/urls.$engine"
  # Browsers fetch the event JSON gzipped (the widget does); calendar apps vary, so the
  # feed goes plain, the worst case.
  for target in "personal-feed $feed identity" "event-json $json gzip"; do
    set -- $target
    rps=$("${client[@]}" wrk -t1 -c32 -d"${secs}s" -H "Accept-Encoding: $3" "$2" | awk '/Requests\/sec/ {print $2}')
    lat=$(printf 'GET %s\nAccept-Encoding: %s\n' "$2" "$3" | "${client[@]}" "$work/vegeta" attack -rate="$rate" -duration="${secs}s" -keepalive=true |
      "$work/vegeta" report -type=text | awk '/Latencies/ {print "p50", $11, "p99", $13} /Success/ {print "success", $3}' | tr '\n' ' ')
    echo "$engine $1 ($3): $rps req/s (wrk -t1 -c32); at $rate req/s: $lat"
  done
  kill %1 2>/dev/null || true; wait 2>/dev/null || true
done
