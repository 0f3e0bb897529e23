#!/usr/bin/env bash
# Instructions per request for docs/performance.md: one cached response served by confcal
# serve (SQLite, --limits=off, access log on) and by the bare net/http server with the same
# bytes and headers (internal/synth/cmd/bareserve), each under valgrind's callgrind with
# GOMAXPROCS=1, counting the user-space instructions of exactly N requests after 1,000 that
# warm it (internal/synth/cmd/reqs, 8 connections). Unlike a load run's CPU seconds, the
# count repeats within ~0.1 % whatever else the machine does; it leaves out the kernel and
# what cache misses cost. Prints both counts, their ratio and the functions whose counts
# differ most. Installs valgrind (Debian) if missing.
#   scripts/instrcount.sh [requests, default 10000] [path without a query, default /events/p99conf-24]
# The path "personal" counts a personal feed of 10 sessions, made for the run.
# GOGC=off leaves the collector out of both; CONFCAL_* settings reach confcal serve. The
# binaries are built without cgo and DWARF (callgrind 3.19 trips on cgo's signal masks and
# misnames Go 1.27's functions from its DWARF) and run with GODEBUG=asyncpreemptoff=1
# (callgrind asserts on Go's preemption signals) and cpu.rdtscp=off (valgrind 3.19 cannot run
# RDTSCP, which Go reads the clock with where the CPU has it, as AMD EPYC does).
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
n="${1:-10000}"; path="${2:-/events/p99conf-24}"
command -v valgrind >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
for b in confcal:./cmd/confcal bareserve:./internal/synth/cmd/bareserve reqs:./internal/synth/cmd/reqs; do
  CGO_ENABLED=0 go build -ldflags=-w -o "$work/${b%%:*}" "${b#*:}"
done
go run ./internal/synth/cmd/synth -slug synth -sessions 300 -tracks 8 > "$work/synth.json"
export CONFCAL_DATA_DIR="$work/data" CONFCAL_LIMITS=off CONFCAL_METRICS_ADDR=off
# Under callgrind a request takes ~50 times as long, so work done by the clock (the 25 ms
# look for other processes' commits) would weigh ~50 times as much per request: looked at
# every 10 s instead.
export CONFCAL_REFRESH="${CONFCAL_REFRESH:-10s}"
"$work/confcal" import --event synth "$work/synth.json" 2>/dev/null
port=$(( 20000 + RANDOM % 20000 )); bport=$(( port + 1 ))
c="http://127.0.0.1:$port"; b="http://127.0.0.1:$bport"

# The bytes and headers the bare server sends: confcal's own, recorded once.
CONFCAL_ADDR="127.0.0.1:$port" "$work/confcal" serve 2>/dev/null &
cpid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "$c/readyz" && break; sleep 0.2; done
if [ "$path" = personal ]; then # a personal feed of 10 sessions, made here
  ids=$(seq -f '"session-%g"' 1 30 300 | paste -sd,)
  path=$(curl -sf -X POST "$c/api/v1/events/synth/schedules" -H 'Content-Type: application/json' -d "{\"sessions\":[$ids]}" |
    sed -n 's/.*"feedUrl":"[^"]*\(\/feeds\/[^"]*\)".*/\1/p')
fi
# Under the same path: the request line's parsing costs by its length.
name="${path#/}"
mkdir -p "$work/root/$(dirname "$name")"
curl -sf -H 'Accept-Encoding: gzip' -D "$work/root/$name.h" -o "$work/root/$name" "$c$path"
kill "$cpid"; wait "$cpid" 2>/dev/null || true

# count NAME URL CMD...: the instructions CMD spends on N requests to URL, under callgrind.
count() {
  local name=$1 url=$2; shift 2
  GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file="$work/$name.out" "$@" > "$work/$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do curl -sf -o /dev/null -H 'Accept-Encoding: gzip' "$url" && break; sleep 0.5; done
  "$work/reqs" -url "$url" -n 1000 -H 'Accept-Encoding: gzip'
  callgrind_control -z "$pid" >/dev/null
  "$work/reqs" -url "$url" -n "$n" -H 'Accept-Encoding: gzip'
  callgrind_control -d "$pid" >/dev/null
  kill "$pid"; wait "$pid" 2>/dev/null || true
  # function <tab> instructions per request. Entries callgrind marks as recursion cycles
  # ('2) are left out: goroutine switches make those cycles up, and their costs are not
  # the function's (the totals above count every instruction once).
  callgrind_annotate --threshold=100 "$work/$name.out.1" | sed -n "s/^ *\([0-9,]*\) ([ 0-9.]*%)  ???:\(.*\) \[.*/\2\t\1/p" |
    tr -d , | grep -v "'[0-9]*"$'\t' | awk -F'\t' -v n="$n" '{printf "%s\t%.0f\n", $1, $2 / n}' |
    sort -t $'\t' -k1,1 > "$work/$name.tsv"
  callgrind_annotate "$work/$name.out.1" | awk -v n="$n" '/PROGRAM TOTALS/ {gsub(",", "", $1); printf "%.0f\n", $1 / n}'
}
ci=$(CONFCAL_ADDR="127.0.0.1:$port" count confcal "$c$path" "$work/confcal" serve)
bi=$(count bare "$b$path" "$work/bareserve" -addr "127.0.0.1:$bport" -dir "$work/root" "$name")
echo "$path, gzip, $n requests after 1,000, GOGC=${GOGC:-100}; $(go version)"
echo "confcal $ci, bare Go $bi instructions per request: $(awk -v a="$ci" -v b="$bi" 'BEGIN {printf "%+.1f %%", (a / b - 1) * 100}')"
echo
echo "| function | confcal | bare Go | difference |"
echo "| --- | ---: | ---: | ---: |"
join -t $'\t' -a1 -a2 -e 0 -o 0,1.2,2.2 "$work/confcal.tsv" "$work/bare.tsv" |
  awk -F'\t' '{d = $2 - $3; if (d >= 50 || d <= -50) printf "| `%s` | %d | %d | %+d |\n", $1, $2, $3, d}' | sort -t '|' -k5 -g -r | head -30
