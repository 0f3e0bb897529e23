#!/usr/bin/env bash
# Revision latency for docs/performance.md: confcal serve (SQLite) holds an event of N
# sessions; `confcal import` in another process writes a revision (one title changed);
# the time from its commit (the line it prints right after) until serve answers the new
# revision on the event list, polled as fast as curl goes. Repeated; bounded in time.
#   scripts/revisionlag.sh [sessions, default 5000] [tries, default 5]
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
n="${1:-5000}"; tries="${2:-5}"
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/confcal" ./cmd/confcal
go run ./internal/synth/cmd/synth -slug big -sessions "$n" -tracks $(( n / 125 )) -days 5 > "$work/big.json"
export CONFCAL_DATA_DIR="$work/data" CONFCAL_METRICS_ADDR=off CONFCAL_ACCESS_LOG=false
"$work/confcal" import --event big "$work/big.json" >/dev/null 2>&1
port=$(( 20000 + RANDOM % 20000 ))
CONFCAL_ADDR="127.0.0.1:$port" "$work/confcal" serve 2> "$work/serve.log" &
list="http://127.0.0.1:$port/api/v1/events"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
rev() { curl -sf "$list" | grep -o '"slug":"big"[^}]*"revision":[0-9]*' | grep -o '[0-9]*$'; }
echo "$n sessions, $(stat -c %s "$work/big.json") bytes; $(go version)"
for i in $(seq "$tries"); do
  before=$(rev)
  sed -i "0,/shaving microseconds[^\"]*/s//shaving microseconds, try $i/" "$work/big.json"
  # The import prints "revision N is written" right after its commit; serve is polled
  # meanwhile, so the figure is from that line to the first answer with the new revision
  # (each look is a curl, ~10-25 ms here: the figures are that much coarse).
  t0=$(date +%s%N); tc=""
  "$work/confcal" import --event big "$work/big.json" > "$work/import.out" 2>&1 &
  imp=$!
  deadline=$(( t0 + 30000000000 ))
  while :; do
    [ -z "$tc" ] && grep -q "is written" "$work/import.out" && tc=$(date +%s%N)
    [ "$(rev)" != "$before" ] && break
    [ "$(date +%s%N)" -lt "$deadline" ] || { echo "try $i: not served within 30 s"; exit 1; }
    sleep 0.002
  done
  t2=$(date +%s%N)
  wait "$imp"
  [ -n "$tc" ] || tc=$t2 # served before the line was seen
  echo "try $i: import wrote its revision $(( (tc - t0) / 1000000 )) ms after it started; served $(( (t2 - tc) / 1000000 )) ms after that"
done
