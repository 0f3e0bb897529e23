#!/usr/bin/env bash
# Revision latency for docs/performance.md: confcal serve (SQLite) holds an event of N
# sessions; `confcal import` in another process writes a revision (one title changed);
# revlag times from the import's "is written" line (right after its commit) until serve's
# event list names the new revision, asked every 2 ms on one kept-alive connection.
# Repeated; bounded in time (each try 60 s at most).
#   scripts/revisionlag.sh [sessions, default 5000] [tries, default 7]
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
n="${1:-5000}"; tries="${2:-7}"
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/confcal" ./cmd/confcal
go build -o "$work/revlag" ./internal/synth/cmd/revlag
go run ./internal/synth/cmd/synth -slug big -sessions "$n" -tracks $(( n / 125 )) -days 5 > "$work/big.json"
export CONFCAL_DATA_DIR="$work/data" CONFCAL_METRICS_ADDR=off CONFCAL_ACCESS_LOG=false
"$work/confcal" import --event big "$work/big.json" >/dev/null 2>&1
port=$(( 20000 + RANDOM % 20000 ))
CONFCAL_ADDR="127.0.0.1:$port" "$work/confcal" serve 2> "$work/serve.log" &
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
echo "$n sessions, $(stat -c %s "$work/big.json") bytes; $(go version)"
"$work/revlag" -confcal "$work/confcal" -doc "$work/big.json" -event big -url "http://127.0.0.1:$port" -tries "$tries"
echo "serve's own figures (read: query and copy out; build: decode and snapshot):"
grep "agenda loaded" "$work/serve.log" | grep -o "revision=[0-9]* .*" | tail -n "$tries"
