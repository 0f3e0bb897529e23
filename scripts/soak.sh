#!/usr/bin/env bash
# Soak run for docs/performance.md: confcal serve (SQLite, default limits) under a fixed,
# mixed load from 8 loopback addresses plus one abusive client, bounded in time
# (internal/synth/cmd/soak). Prints a Markdown report; exits non-zero if a well-behaved
# request failed.
#   scripts/soak.sh [duration, default 60s] [requests/s per client, default 50] [abusive creations/s, default 400]
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
dur="${1:-60s}"; rate="${2:-50}"; abuse="${3:-400}"
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/confcal" ./cmd/confcal
go build -o "$work/soak" ./internal/synth/cmd/soak
port=$(( 20000 + RANDOM % 20000 ))
CONFCAL_DATA_DIR="$work/data" CONFCAL_ADDR="127.0.0.1:$port" CONFCAL_METRICS_ADDR=off \
  CONFCAL_ACCESS_LOG=true "$work/confcal" serve 2> "$work/serve.log" &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
"$work/soak" -url "http://127.0.0.1:$port" -pid "$pid" -for "$dur" -rate "$rate" -abuse "$abuse"
echo
echo "Server log: $(grep -c 'level=ERROR' "$work/serve.log" || true) ERROR lines; access log lines by client for 429s:"
grep 'status=429' "$work/serve.log" | grep -o 'client=[^ ]*' | sort | uniq -c
