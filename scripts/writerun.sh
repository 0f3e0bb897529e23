#!/usr/bin/env bash
# Write latency for docs/performance.md: 8 clients starring, unstarring, replacing and
# creating schedules through confcal serve (--limits=off) as fast as they are answered, on
# SQLite and on PostgreSQL (a schema of its own in $DSN, default the local test database),
# bounded in time (internal/synth/cmd/writerun).
# Each engine runs closed loop (throughput), then each fixed rate (latency at a load the
# engine carries: each write timed from when it was due), in ROUNDS rounds (default 3) each,
# each round once through confcal and once through barewrite, the floor: a bare net/http
# server making the same row changes on a copy of the same database
# (internal/synth/cmd/barewrite); both servers run throughout, one at a time under load
# (after a second's warm-up each), and each row gives the server's CPU a write. After each
# rate, confcal's last round by kind.
#   scripts/writerun.sh [duration, default 10s] [clients, default 8] [rates, default "1000 2000"]
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
dur="${1:-10s}"; clients="${2:-8}"; rates="${3:-1000 2000}"
DSN="${DSN:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
work=$(mktemp -d); schema="writerun_$$"
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  psql "$DSN" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" -c "DROP SCHEMA IF EXISTS ${schema}_bare CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/confcal" ./cmd/confcal
go build -o "$work/writerun" ./internal/synth/cmd/writerun
go build -o "$work/barewrite" ./internal/synth/cmd/barewrite
go run ./internal/synth/cmd/synth -slug synth -sessions 300 -tracks 8 > "$work/synth.json"
export CONFCAL_LIMITS=off CONFCAL_METRICS_ADDR=off CONFCAL_ACCESS_LOG=false
ready() { for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return; sleep 0.2; done; echo "no server on port $1" >&2; exit 1; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system, in clock ticks
round() { # name, port, pid, rate (0: closed loop): one run, as a row
  local before out n kinds
  before=$(cpu "$3")
  out=$("$work/writerun" -url "http://127.0.0.1:$2" -clients "$clients" -for "$dur" -rate "$4")
  echo "$out" > "$work/${1%% *}.out" # the server's last run, by kind
  kinds=$(echo "$out" | awk -F'|' '$2 ~ /^ (star|unstar|replace|create) $/ {sub(/ ms/, "", $7); if ($7 + 0 > m) m = $7 + 0} END {printf "%.2f ms", m}')
  out=$(echo "$out" | grep '^| all ')
  n=$(echo "$out" | awk -F'|' '{print $3}')
  echo "$out" | awk -F'|' -v name="$1" -v kinds="$kinds" -v ticks=$(( $(cpu "$3") - before )) -v hz="$(getconf CLK_TCK)" -v n="$n" \
    '{for (i = 3; i <= 8; i++) gsub(/^ +| +$/, "", $i)
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %.0f |\n", name, $3, $4, $5, $6, $7, kinds, $8, ticks / hz / n * 1e6}'
}
run() { # engine, barewrite's database flag and value, confcal's environment
  local port=$(( 20000 + RANDOM % 20000 )) bare=$(( 40000 + RANDOM % 20000 ))
  env "${@:4}" CONFCAL_ADDR="127.0.0.1:$port" "$work/confcal" serve 2> "$work/$1.log" &
  local pid=$!
  "$work/barewrite" -addr "127.0.0.1:$bare" "$2" "$3" 2> "$work/$1-bare.log" &
  local bpid=$!
  ready "$port"; ready "$bare"
  for p in "$port" "$bare"; do # a second's warm-up each, not reported
    "$work/writerun" -url "http://127.0.0.1:$p" -clients "$clients" -for 1s >/dev/null
  done
  echo "### $1"; echo
  for rate in 0 $rates; do
    if [ "$rate" = 0 ]; then echo "$clients clients, closed loop, $dur a run, alternated"; else echo "$clients clients, $rate writes/s offered, $dur a run, alternated"; fi; echo
    echo "| server | writes | failed | per second | p50 | p99 | p99, highest kind | max | server CPU µs a write |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for r in $(seq "${ROUNDS:-3}"); do
      round "confcal $r" "$port" "$pid" "$rate"
      round "barewrite $r" "$bare" "$bpid" "$rate"
    done
    echo
    if [ "$rate" != 0 ]; then echo "confcal's round $r by kind: $(cat "$work/confcal.out")"; echo; fi
  done
  kill "$pid" "$bpid"; wait "$pid" "$bpid" 2>/dev/null || true
}
CONFCAL_DATA_DIR="$work/data" "$work/confcal" import --event synth "$work/synth.json" 2>/dev/null
if [ -z "${WRITERUN_PG_ONLY:-}" ]; then
  mkdir "$work/bare" && cp "$work/data/confcal.db" "$work/bare/"
  run sqlite -sqlite "$work/bare/confcal.db" CONFCAL_DATA_DIR="$work/data"
fi
psql "$DSN" -qc "CREATE SCHEMA $schema" -c "CREATE SCHEMA ${schema}_bare"
pg="$DSN&search_path=$schema"
CONFCAL_DATABASE_URL="$pg" "$work/confcal" import --event synth "$work/synth.json" 2>/dev/null
CONFCAL_DATABASE_URL="$DSN&search_path=${schema}_bare" "$work/confcal" import --event synth "$work/synth.json" 2>/dev/null
run postgres -postgres "$DSN&search_path=${schema}_bare" CONFCAL_DATABASE_URL="$pg"
