#!/usr/bin/env bash
# Revision latency for docs/performance.md: confcal serve (SQLite) holds an event of N
# sessions; `confcal import` in another process writes a revision (one title changed);
# the time from the import's exit (its commit) until serve answers the new revision on the
# event JSON, polled every 5 ms. Repeated; bounded in time.
#   scripts/revisionlag.sh [sessions, default 5000] [tries, default 5]
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
n="${1:-5000}"; tries="${2:-5}"
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/confcal" ./cmd/confcal
go run ./internal/synth/cmd/synth -slug big -sessions "$n" -tracks 40 -days 5 > "$work/big.json"
export CONFCAL_DATA_DIR="$work/data" CONFCAL_METRICS_ADDR=off CONFCAL_ACCESS_LOG=false
"$work/confcal" import --event big "$work/big.json" 2>/dev/null
port=$(( 20000 + RANDOM % 20000 ))
CONFCAL_ADDR="127.0.0.1:$port" "$work/confcal" serve 2> "$work/serve.log" &
list="http://127.0.0.1:$port/api/v1/events"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
rev() { curl -sf "$list" | grep -o '"slug":"big"[^}]*"revision":[0-9]*' | grep -o '[0-9]*$'; }
echo "$n sessions, $(stat -c %s "$work/big.json") bytes; $(go version)"
for i in $(seq "$tries"); do
  before=$(rev)
  sed -i "0,/shaving microseconds[^\"]*/s//shaving microseconds, try $i/" "$work/big.json"
  t0=$(date +%s%N)
  "$work/confcal" import --event big "$work/big.json" 2>/dev/null
  t1=$(date +%s%N)
  deadline=$(( t1 + 10000000000 ))
  while [ "$(rev)" = "$before" ]; do
    [ "$(date +%s%N)" -lt "$deadline" ] || { echo "try $i: not served within 10 s"; exit 1; }
    sleep 0.005
  done
  t2=$(date +%s%N)
  echo "try $i: import took $(( (t1 - t0) / 1000000 )) ms; served $(( (t2 - t1) / 1000000 )) ms after its commit"
done
