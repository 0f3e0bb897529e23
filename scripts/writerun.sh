#!/usr/bin/env bash
# Write latency for docs/performance.md: 8 clients starring, unstarring, replacing and
# creating schedules through confcal serve (--limits=off) as fast as they are answered, on
# SQLite and on PostgreSQL (a schema of its own in $DSN, default the local test database),
# bounded in time (internal/synth/cmd/writerun).
# Each engine runs closed loop (throughput), then at fixed rates (latency at a load the
# engine carries: each write timed from when it was due).
#   scripts/writerun.sh [duration, default 10s] [clients, default 8] [rates, default "1000 2000"]
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
dur="${1:-10s}"; clients="${2:-8}"; rates="${3:-1000 2000}"
DSN="${DSN:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
work=$(mktemp -d); schema="writerun_$$"
cleanup() { kill $(jobs -p) 2>/dev/null || true; psql "$DSN" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/confcal" ./cmd/confcal
go build -o "$work/writerun" ./internal/synth/cmd/writerun
go run ./internal/synth/cmd/synth -slug synth -sessions 300 -tracks 8 > "$work/synth.json"
export CONFCAL_LIMITS=off CONFCAL_METRICS_ADDR=off CONFCAL_ACCESS_LOG=false
run() { # engine, extra environment
  local port=$(( 20000 + RANDOM % 20000 ))
  env "${@:2}" CONFCAL_ADDR="127.0.0.1:$port" "$work/confcal" serve 2> "$work/$1.log" &
  local pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
  echo "### $1"; echo
  "$work/writerun" -url "http://127.0.0.1:$port" -clients "$clients" -for "$dur"
  echo
  for r in $rates; do
    "$work/writerun" -url "http://127.0.0.1:$port" -clients "$clients" -for "$dur" -rate "$r"
    echo
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
CONFCAL_DATA_DIR="$work/data" "$work/confcal" import --event synth "$work/synth.json" 2>/dev/null
[ -n "${WRITERUN_PG_ONLY:-}" ] || run sqlite CONFCAL_DATA_DIR="$work/data"
psql "$DSN" -qc "CREATE SCHEMA $schema"
pg="$DSN&search_path=$schema"
CONFCAL_DATABASE_URL="$pg" "$work/confcal" import --event synth "$work/synth.json" 2>/dev/null
run postgres CONFCAL_DATABASE_URL="$pg"
