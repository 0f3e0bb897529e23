#!/usr/bin/env bash
# Load run for docs/performance.md: the personal feed of a 300-session event served by
# confcal beside a bare net/http handler writing the same bytes, on loopback, bounded in
# time. Needs wrk (Debian package) and fetches vegeta through the Go module proxy. On a
# machine with 2 or more cores the servers are pinned to one core and the load generator to
# another (taskset), so the two do not fight over a core and skew the comparison.
#   scripts/loadrun.sh [seconds per run, default 10] [fixed rate, default 2000] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"; rate="${2:-2000}"; rounds="${3:-3}"
server=(); client=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then server=(taskset -c 1); client=(taskset -c 0); fi
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/confcal" ./cmd/confcal
go build -o "$work/bareserve" ./internal/synth/cmd/bareserve
GOFLAGS=-mod=mod go build -o "$work/vegeta" github.com/tsenart/vegeta/v12@v12.13.0 2>/dev/null ||
  (cd "$work" && GOBIN="$work" go install github.com/tsenart/vegeta/v12@v12.13.0)
go run ./internal/synth/cmd/synth -sessions 300 -tracks 8 > "$work/synth.json"
export CONFCAL_DATA_DIR="$work/data" CONFCAL_ADDR=127.0.0.1:18080 CONFCAL_SEED=false
"$work/confcal" import --event synth "$work/synth.json" >/dev/null
"${server[@]}" "$work/confcal" serve 2>"$work/confcal.log" &
for _ in $(seq 50); do curl -fs http://127.0.0.1:18080/readyz >/dev/null && break; sleep 0.1; done
ids=$(seq 1 30 300 | sed 's/.*/"session-&"/' | paste -sd,)
feed=$(curl -fs -X POST http://127.0.0.1:18080/api/v1/events/synth/schedules -d "{\"sessions\":[$ids]}" |
  sed 's/.*"feedUrl":"\([^"]*\)".*/\1/')
curl -fs -D "$work/headers.txt" "$feed" > "$work/feed.ics"
tr -d '\r' < "$work/headers.txt" | grep -i ':' > "$work/h.txt"
"${server[@]}" "$work/bareserve" -addr 127.0.0.1:18081 -file "$work/feed.ics" &
"${server[@]}" "$work/bareserve" -addr 127.0.0.1:18082 -file "$work/feed.ics" -headers "$work/h.txt" &
sleep 0.5
bare=http://127.0.0.1:18081/feed.ics
same=http://127.0.0.1:18082/feed.ics
echo "feed: $(wc -c < "$work/feed.ics") bytes, 10 sessions; $(nproc) cores; pinned: ${server[*]:-no}; $(go version)"
echo "== throughput (wrk -t1 -c32 -d${secs}s), alternating"
for round in $(seq "$rounds"); do
  for target in "confcal $feed" "bare $bare" "bare+headers $same"; do
    set -- $target
    rps=$("${client[@]}" wrk -t1 -c32 -d"${secs}s" "$2" | awk '/Requests\/sec/ {print $2}')
    echo "round $round  $1  ${rps} req/s"
  done
done
echo "== latency at a fixed ${rate} req/s (vegeta, ${secs}s)"
for target in "confcal $feed" "bare $bare" "bare+headers $same"; do
  set -- $target
  echo "GET $2" | "${client[@]}" "$work/vegeta" attack -rate="$rate" -duration="${secs}s" -keepalive=true |
    "$work/vegeta" report -type=text | awk -v n="$1" '/Latencies/ {print n, $0} /Success/ {print n, $0}'
done
echo "confcal response headers:"; sed 's/^/  /' "$work/h.txt"
echo "access log lines written by confcal: $(wc -l < "$work/confcal.log")"
