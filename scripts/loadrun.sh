#!/usr/bin/env bash
# Load run for docs/performance.md: the personal feed (10 of 300 sessions) served through
# confcal's whole HTTP stack beside a bare net/http handler writing the same bytes, side by
# side in one process (internal/synth/cmd/loadbed), on loopback, bounded in time. Needs wrk
# (Debian package); fetches vegeta through the Go module proxy. With 2 or more cores the
# servers run on one core and the load generator on another (taskset), so that they do not
# fight over a core; PIN=no leaves both to the scheduler (the server then has GOMAXPROCS=2).
#   scripts/loadrun.sh [seconds per run, default 10] [fixed rate, default 2000] [rounds, default 5]
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
secs="${1:-10}"; rate="${2:-2000}"; rounds="${3:-5}"
server=(); client=()
if [ "${PIN:-yes}" != no ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then server=(taskset -c 1); client=(taskset -c 0); fi
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/loadbed" ./internal/synth/cmd/loadbed
(cd "$work" && GOBIN="$work" GOFLAGS= go install github.com/tsenart/vegeta/v12@v12.13.0)
budget=$(( (rounds * 3 + 3) * (secs + 2) + 60 ))
"${server[@]}" "$work/loadbed" -for "${budget}s" -access-log "$work/access.log" > "$work/urls" &
pid=$!
tck=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }  # server user+system ticks
for _ in $(seq 100); do [ -s "$work/urls" ] && break; sleep 0.1; done
read -r confcal bare same _ < "$work/urls"
echo "feed: $(curl -fs "$bare" | wc -c) bytes; $(nproc) cores; pinned: ${server[*]:-no}; $(go version)"
echo "== throughput (wrk -t1 -c32 -d${secs}s), alternating"
declare -A sum reqs ticks
ratios=()
for round in $(seq "$rounds"); do
  for target in "confcal $confcal" "bare $bare" "bare+headers $same"; do
    set -- $target
    t0=$(cpu)
    out=$("${client[@]}" wrk -t1 -c32 -d"${secs}s" "$2")
    t1=$(cpu)
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    sum[$1]=$(echo "${sum[$1]:-0} + $rps" | bc)
    reqs[$1]=$(( ${reqs[$1]:-0} + n )); ticks[$1]=$(( ${ticks[$1]:-0} + t1 - t0 ))
    echo "round $round  $1  ${rps} req/s  $(echo "scale=1; ($t1 - $t0) * 1000000 / $tck / $n" | bc) µs server CPU per request"
    declare "last_${1//+/_}=$rps"
  done
  ratios+=("$(echo "scale=3; $last_confcal / $last_bare" | bc)")
done
for k in confcal bare bare+headers; do
  echo "mean $k $(echo "${sum[$k]} / $rounds" | bc) req/s, $(echo "scale=1; ${ticks[$k]} * 1000000 / $tck / ${reqs[$k]}" | bc) µs server CPU per request"
done
echo "ratio confcal/bare $(echo "scale=3; ${sum[confcal]} / ${sum[bare]}" | bc)"
echo "ratio confcal/bare+headers $(echo "scale=3; ${sum[confcal]} / ${sum[bare+headers]}" | bc)"
# Each round's confcal/bare ratio pairs runs a few seconds apart, so slow drifts of the
# VM's speed cancel out; the median of those is the steadiest figure.
echo "per-round ratios confcal/bare: ${ratios[*]}"
echo "median per-round ratio confcal/bare $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')"
echo "== latency at a fixed ${rate} req/s (vegeta, ${secs}s)"
for target in "confcal $confcal" "bare $bare" "bare+headers $same"; do
  set -- $target
  echo "GET $2" | "${client[@]}" "$work/vegeta" attack -rate="$rate" -duration="${secs}s" -keepalive=true |
    "$work/vegeta" report -type=text | awk -v n="$1" '/Latencies/ {print n, $0} /Success/ {print n, $0}'
done
echo "confcal response headers:"; curl -fsI "$confcal" | tr -d '\r' | sed 's/^/  /'
echo "access log lines written by confcal: $(wc -l < "$work/access.log")"
