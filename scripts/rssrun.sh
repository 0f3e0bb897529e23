#!/usr/bin/env bash
# Memory for docs/performance.md: confcal serve (SQLite) holding an event of N sessions;
# its resident memory after start, then after one request of every kind of response
# (hosted page, JSON, event feed plain and gzip, a filtered feed, a track feed, a session
# feed, a session page, a speaker page, an embed, a card, the exports, the changes feeds,
# the widget, a personal feed), then after the same once more (nothing new should stay).
#   scripts/rssrun.sh [sessions, default 5000]
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
n="${1:-5000}"
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/confcal" ./cmd/confcal
go run ./internal/synth/cmd/synth -slug big -sessions "$n" -tracks $(( n / 125 )) -days 5 > "$work/big.json"
export CONFCAL_DATA_DIR="$work/data" CONFCAL_METRICS_ADDR=off CONFCAL_ACCESS_LOG=false CONFCAL_LIMITS=off
"$work/confcal" import --event big "$work/big.json" 2>/dev/null
port=$(( 20000 + RANDOM % 20000 ))
CONFCAL_ADDR="127.0.0.1:$port" "$work/confcal" serve 2> "$work/serve.log" &
pid=$!
c="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$c/readyz" >/dev/null && break; sleep 0.2; done
rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status"; }
sleep 1
echo "$n sessions; after start: $(rss)"
feed=$(curl -sf -X POST "$c/api/v1/events/big/schedules" -H 'Content-Type: application/json' \
  -d '{"sessions":["session-1","session-100","session-1000"]}' | sed -n 's/.*"feedUrl":"[^"]*\(\/feeds\/[^"]*\)".*/\1/p')
every() {
  for enc in identity gzip; do
    for p in /events/big /api/v1/events/big /events/big/calendar.ics "/events/big/calendar.ics?track=track-1,track-2" \
      /events/big/tracks/track-3.ics /events/big/sessions/session-7.ics /events/big/sessions/session-7 \
      /events/big/speakers/speaker-7 /embed/big/agenda /embed/big/sessions/session-7 /events/big/speakers/speaker-7/card.svg \
      /events/big/schedule.json /events/big/schedule.xml /events/big/changes.atom /events/big/changes.json /widget.js "$feed"; do
      curl -sf -o /dev/null -H "Accept-Encoding: $enc" "$c$p" || echo "failed: $p" >&2
    done
  done
}
every; sleep 1; echo "after every kind of response once: $(rss)"
every; sleep 1; echo "after all of them again: $(rss)"
