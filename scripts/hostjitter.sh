#!/usr/bin/env bash
# The host's own floor for the tail figures in docs/performance.md: how late a thread that
# sleeps for 1 ms wakes up (cyclictest from Debian's rt-tests, one thread, 1,000 wake-ups a
# second, memory locked), for SECONDS, while the machine is idle or, given a command after
# "--", while that command runs (e.g. a write load). Nothing of confcal runs unless the
# command starts it. Every request a server answers needs several such wake-ups (the
# client's, the server's, the database's), so their tail bounds what any server here shows.
# Prints the wake-up latency's p50 / p99 / p99.9 / max.
#   scripts/hostjitter.sh [seconds, default 10] [-- command ...]
set -euo pipefail
secs="${1:-10}"; shift || true
[ "${1:-}" = -- ] && shift
command -v cyclictest >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rt-tests >/dev/null; }
hist=$(mktemp); trap 'rm -f "$hist"' EXIT
cyclictest -q -m -t 1 -i 1000 -D "$secs" -h 100000 --histfile="$hist" >/dev/null 2>&1 &
cyc=$!
what="idle"
if [ $# -gt 0 ]; then what="while: $*"; "$@" >&2; fi
wait "$cyc"
# The histogram has a line per microsecond: latency, then the count (zero-padded).
awk -v secs="$secs" -v what="$what" '
  /^[0-9]/ { us = $1 + 0; h[us] = $2 + 0; n += $2; if ($2 > 0) mx = us }
  /Histogram Overflows/ { over = $4 + 0 }
  END {
    c = 0; p50 = p99 = p999 = -1
    for (us = 0; us <= mx; us++) { c += h[us]
      if (p50 < 0 && c >= n * .5) p50 = us; if (p99 < 0 && c >= n * .99) p99 = us; if (p999 < 0 && c >= n * .999) p999 = us }
    printf "| %s | %d s | %d | %d µs | %d µs | %d µs | %d µs%s |\n", what, secs, n, p50, p99, p999, mx, (over ? " (" over " over 100 ms)" : "")
  }' "$hist"
