#!/usr/bin/env bash
# Load run for docs/performance.md: each kind of cached response served by confcal serve
# (SQLite, --limits=off, access log on) beside nginx serving the same bytes with the same
# headers from files and a bare net/http server doing the same from memory
# (internal/synth/cmd/bareserve), alternating rounds, wrk on loopback, bounded in time. Installs
# nginx-light and wrk (Debian) if missing. With 2 or more cores each server runs on core 1
# (nginx with one worker, confcal and the bare server with GOMAXPROCS=1) and wrk on core 0; the server CPU per
# request is read from /proc, in all and round by round: on a host shared with other work
# the median of the rounds' ratios moves least.
#   scripts/nginxcmp.sh [seconds per run, default 8] [rounds, default 3] [connections, default 32]
# ONLY=REGEX measures only the kinds whose names match (e.g. ONLY="304|json").
# Each kind is then measured once more with confcal and the bare server loaded at the same time,
# both on core 1, one wrk each on core 0 (which starts first alternates): whatever the host
# does to one round it does to both servers, so their CPU per request (from schedstat, in ns)
# compares without the drift between alternated rounds. A last row runs two bare servers side
# by side, to show what the method itself reads as a difference.
# A third reading loads both at once at a fixed rate (open loop: internal/synth/cmd/paced on
# core 0, RATE requests a second to each, default 4000), so that both get the same arrivals
# however fast each answers. Two rows calibrate the methods: a bare server that spends a
# known extra time on every request (bareserve -spin, SPIN rounds, default 2000; its cost is
# measured alone at start) beside the plain one, read by both at-once methods, with what
# that known cost would read as.
set -euo pipefail
export GOTOOLCHAIN=go1.27.3   # go.mod names Go 1.27.3
cd "$(dirname "$0")/.."
secs="${1:-8}"; rounds="${2:-3}"; conns="${3:-32}"
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
fi
server=(); client=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then server=(taskset -c 1); client=(taskset -c 0); fi
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/confcal" ./cmd/confcal
go build -o "$work/bareserve" ./internal/synth/cmd/bareserve
go build -o "$work/paced" ./internal/synth/cmd/paced
rate="${RATE:-4000}"
go run ./internal/synth/cmd/synth -slug synth -sessions 300 -tracks 8 > "$work/synth.json"
export CONFCAL_DATA_DIR="$work/data" CONFCAL_LIMITS=off CONFCAL_METRICS_ADDR=off
"$work/confcal" import --event synth "$work/synth.json" 2>/dev/null
cport=$(( 20000 + RANDOM % 10000 )); nport=$(( cport + 1 )); bport=$(( cport + 2 )); b2port=$(( cport + 3 )); b3port=$(( cport + 4 ))
GOMAXPROCS=${GOMAXPROCS:-1} CONFCAL_ADDR="127.0.0.1:$cport" "${server[@]}" "$work/confcal" serve 2> "$work/serve.log" &
cpid=$!
c="http://127.0.0.1:$cport"
for _ in $(seq 50); do curl -sf "$c/readyz" >/dev/null && break; sleep 0.2; done
ids=$(seq -f '"session-%g"' 1 30 300 | paste -sd,)
feed=$(curl -sf -X POST "$c/api/v1/events/synth/schedules" -H 'Content-Type: application/json' -d "{\"sessions\":[$ids]}" |
  sed -n 's/.*"feedUrl":"[^"]*\(\/feeds\/[^"]*\)".*/\1/p')
etag=$(curl -sf -D - -o /dev/null -H 'Accept-Encoding: gzip' "$c/events/synth/calendar.ics" | tr -d '\r' | sed -n 's/^Etag: //Ip')
# headerargs "A: 1;B: 2" sets args to wrk's and curl's -H options for those headers.
headerargs() { local h hs; args=(); IFS=';' read -ra hs <<<"$1"; for h in "${hs[@]}"; do [ -n "$h" ] && args+=(-H "$h"); done; }
# kind | path | request headers (;-separated)
kinds=(
  "page-300-gzip|/events/synth|Accept-Encoding: gzip"
  "page-bundled-gzip|/events/p99conf-24|Accept-Encoding: gzip"
  "personal-feed|$feed|"
  "widget-gzip|/widget.js|Accept-Encoding: gzip"
  "event-ics-gzip|/events/synth/calendar.ics|Accept-Encoding: gzip"
  "304|/events/synth/calendar.ics|Accept-Encoding: gzip;If-None-Match: $etag"
  "event-json-300-gzip|/api/v1/events/synth|Accept-Encoding: gzip"
)
# nginx: one location per kind at confcal's path (a request line costs by its length), the
# body confcal sent as a file, confcal's headers; the 304 is asked of the event feed's.
mkdir -p "$work/root"
{
  echo "worker_processes 1; pid $work/nginx.pid; error_log $work/nginx.err; events { worker_connections 1024; }"
  echo "http { access_log $work/nginx.access; server_tokens off; etag on; keepalive_requests 1000000;"
  echo "  server { listen 127.0.0.1:$nport; root $work/root;"
} > "$work/nginx.conf"
for k in "${kinds[@]}"; do
  IFS='|' read -r name path hdrs <<<"$k"
  headerargs "$hdrs"
  get=("${args[@]}"); [ "$name" = 304 ] && get=(-H 'Accept-Encoding: gzip')  # the body a 304 stands for
  curl -sf "${get[@]}" -D "$work/$name.h" -o "$work/root/$name" "$c$path"
  type=$(tr -d '\r' < "$work/$name.h" | sed -n 's/^Content-Type: //Ip')
  [ "$name" = 304 ] && continue
  {
    echo "    location = $path { alias $work/root/$name; default_type \"$type\"; types { } "
    tr -d '\r' < "$work/$name.h" | grep -iE '^(Cache-Control|Content-Encoding|Vary|X-Content-Type-Options|Cross-Origin-Resource-Policy|Content-Security-Policy|Referrer-Policy|Access-Control-Allow-Origin|X-Request-Id):' |
      sed 's/"/\\"/g; s/^\([^:]*\): \(.*\)$/      add_header \1 "\2";/'
    echo "    }"
  } >> "$work/nginx.conf"
done
echo "  } }" >> "$work/nginx.conf"
chmod -R a+rX "$work"   # nginx's workers run as nobody
"${server[@]}" nginx -c "$work/nginx.conf" -p "$work"
sleep 0.3
npid=$(cat "$work/nginx.pid"); nworker=$(pgrep -P "$npid" | head -1)
names=(); for k in "${kinds[@]}"; do IFS='|' read -r name path _ <<<"$k"; names+=("$name=$path"); done
cp "$work"/*.h "$work/root/"
GOMAXPROCS=${GOMAXPROCS:-1} "${server[@]}" "$work/bareserve" -addr "127.0.0.1:$bport" -dir "$work/root" "${names[@]}" &
bpid=$!
sleep 0.3
tck=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ns() { cat /proc/"$1"/task/*/schedstat | awk '{s += $1} END {printf "%d", s}'; }
# atonce PID1 URL1 PID2 URL2 [wrk args]: both loaded at once; sets at to the median over the
# rounds of PID1's CPU per request / PID2's, with the rounds' ratios, and aus to the two
# servers' mean µs of CPU a request.
atonce() {
  local p1=$1 u1=$2 p2=$3 u2=$4; shift 4
  local rs=() a0 b0 a1 b1 n1 n2 w1 w2 r sa=0 sb=0 na=0 nb=0
  for r in $(seq "$rounds"); do
    a0=$(ns "$p1"); b0=$(ns "$p2")
    if (( r % 2 )); then
      "${client[@]}" wrk -t1 -c"$conns" -d"${secs}s" "$@" "$u1" > "$work/w1" & w1=$!
      "${client[@]}" wrk -t1 -c"$conns" -d"${secs}s" "$@" "$u2" > "$work/w2" & w2=$!
    else
      "${client[@]}" wrk -t1 -c"$conns" -d"${secs}s" "$@" "$u2" > "$work/w2" & w2=$!
      "${client[@]}" wrk -t1 -c"$conns" -d"${secs}s" "$@" "$u1" > "$work/w1" & w1=$!
    fi
    wait "$w1" "$w2"
    a1=$(ns "$p1"); b1=$(ns "$p2")
    n1=$(awk '/requests in/ {print $1}' "$work/w1"); n2=$(awk '/requests in/ {print $1}' "$work/w2")
    [ -n "$n1" ] && [ -n "$n2" ] || { echo "at once: wrk got no answers from $u1 or $u2" >&2; return 1; }
    rs+=("$(echo "scale=2; ($a1 - $a0) * $n2 / (($b1 - $b0) * $n1)" | bc)")
    sa=$(( sa + a1 - a0 )); sb=$(( sb + b1 - b0 )); na=$(( na + n1 )); nb=$(( nb + n2 ))
  done
  at="$(median "${rs[@]}") (${rs[*]})"
  aus="$(echo "scale=1; $sa / ($na * 1000)" | bc) / $(echo "scale=1; $sb / ($nb * 1000)" | bc)"
}
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m}'; }
# paced_atonce PID1 URL1 PID2 URL2 [paced args]: as atonce, with one paced run offering
# $rate requests a second to each URL (it fails unless every request is answered, 200 or
# 304); sets pat to "median (rounds)" and pus to the two servers' mean µs of CPU a request.
paced_atonce() {
  local p1=$1 u1=$2 p2=$3 u2=$4; shift 4
  local rs=() a0 b0 a1 b1 r sa=0 sb=0 n=$(( rate * secs ))
  for r in $(seq "$rounds"); do
    a0=$(ns "$p1"); b0=$(ns "$p2")
    "${client[@]}" "$work/paced" -rate "$rate" -c "$conns" -for "${secs}s" "$@" "$u1" "$u2" > "$work/paced.out" ||
      { cat "$work/paced.out" >&2; echo "open loop: not every request to $u1 and $u2 was answered" >&2; return 1; }
    a1=$(ns "$p1"); b1=$(ns "$p2")
    rs+=("$(echo "scale=3; ($a1 - $a0) / ($b1 - $b0)" | bc)")
    sa=$(( sa + a1 - a0 )); sb=$(( sb + b1 - b0 ))
  done
  pat="$(median "${rs[@]}") (${rs[*]})"
  pus="$(echo "scale=1; $sa / ($n * $rounds * 1000)" | bc) / $(echo "scale=1; $sb / ($n * $rounds * 1000)" | bc)"
}
echo "$(nproc) cores; pinned: ${server[*]:-no}; $(go version); nginx $(nginx -v 2>&1 | sed 's/.*\///'); wrk -t1 -c$conns -d${secs}s, $rounds rounds"
echo
echo "| response | bytes | confcal req/s | bare Go req/s | nginx req/s | confcal / nginx | confcal / bare Go | µs CPU per request confcal / bare Go / nginx | CPU per request, confcal / bare Go: median (rounds) | at once, CPU per request confcal / bare Go: median (rounds) | open loop at once, $rate/s each: CPU per request confcal / bare Go, median (rounds) | open loop: µs a request confcal / bare Go |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for k in "${kinds[@]}"; do
  IFS='|' read -r name path hdrs <<<"$k"
  [[ -n "${ONLY:-}" && ! "$name" =~ $ONLY ]] && continue
  headerargs "$hdrs"
  nargs=("${args[@]}")
  if [ "$name" = 304 ]; then
    netag=$(curl -s -D - -o /dev/null "http://127.0.0.1:$nport$path" | tr -d '\r' | sed -n 's/^Etag: //Ip')
    nargs=(-H "Accept-Encoding: gzip" -H "If-None-Match: $netag")
  fi
  # Both answer the same: status and bytes on the wire.
  a=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "${args[@]}" "$c$path")
  b=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "${nargs[@]}" "http://127.0.0.1:$nport$path")
  g=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "${args[@]}" "http://127.0.0.1:$bport$path")
  [ "$a" = "$b" ] && [ "$a" = "$g" ] || { echo "$name: confcal answers $a, nginx $b, bare Go $g" >&2; exit 1; }
  cs=0; ns=0; bs=0; cc=0; nc=0; bc=0; cn=0; nn=0; bn=0; ratios=(); bratios=(); cratios=()
  for _ in $(seq "$rounds"); do
    t0=$(cpu "$cpid"); out=$("${client[@]}" wrk -t1 -c"$conns" -d"${secs}s" "${args[@]}" "$c$path"); t1=$(cpu "$cpid")
    r1=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); n1=$(awk '/requests in/ {print $1}' <<<"$out")
    t2=$(cpu "$nworker"); out=$("${client[@]}" wrk -t1 -c"$conns" -d"${secs}s" "${nargs[@]}" "http://127.0.0.1:$nport$path"); t3=$(cpu "$nworker")
    r2=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); n2=$(awk '/requests in/ {print $1}' <<<"$out")
    t4=$(cpu "$bpid"); out=$("${client[@]}" wrk -t1 -c"$conns" -d"${secs}s" "${args[@]}" "http://127.0.0.1:$bport$path"); t5=$(cpu "$bpid")
    r3=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); n3=$(awk '/requests in/ {print $1}' <<<"$out")
    [ -n "$n1" ] && [ -n "$n2" ] && [ -n "$n3" ] || { echo "$name: a server stopped answering" >&2; exit 1; }
    cs=$(echo "$cs + $r1" | bc); ns=$(echo "$ns + $r2" | bc); bs=$(echo "$bs + $r3" | bc)
    cc=$(( cc + t1 - t0 )); nc=$(( nc + t3 - t2 )); bc=$(( bc + t5 - t4 )); cn=$(( cn + n1 )); nn=$(( nn + n2 )); bn=$(( bn + n3 ))
    ratios+=("$(echo "scale=2; $r1 / $r2" | bc)"); bratios+=("$(echo "scale=2; $r1 / $r3" | bc)")
    cratios+=("$(echo "scale=2; ($t1 - $t0) * $n3 / (($t5 - $t4) * $n1)" | bc)")
  done
  us() { echo "scale=1; $1 * 1000000 / $tck / $2" | bc; }
  atonce "$cpid" "$c$path" "$bpid" "http://127.0.0.1:$bport$path" "${args[@]}" || exit 1
  paced_atonce "$cpid" "$c$path" "$bpid" "http://127.0.0.1:$bport$path" "${args[@]}" || exit 1
  echo "| $name | $(stat -c %s "$work/root/$name") | $(echo "$cs / $rounds" | bc) | $(echo "$bs / $rounds" | bc) | $(echo "$ns / $rounds" | bc) | $(echo "scale=2; $cs / $ns" | bc) (${ratios[*]}) | $(echo "scale=2; $cs / $bs" | bc) (${bratios[*]}) | $(us $cc $cn) / $(us $bc $bn) / $(us $nc $nn) | $(median "${cratios[@]}") (${cratios[*]}) | $at | $pat | $pus |"
done
# The methods' own readings: two bare servers with the same bytes, and a bare server that
# spends a known extra time on every request beside the plain one, each pair at once.
k=${kinds[2]}; IFS='|' read -r name path hdrs <<<"$k"
headerargs "$hdrs"
spin="${SPIN:-2000}"
GOMAXPROCS=${GOMAXPROCS:-1} "${server[@]}" "$work/bareserve" -addr "127.0.0.1:$b2port" -dir "$work/root" "${names[@]}" &
b2pid=$!
GOMAXPROCS=${GOMAXPROCS:-1} "${server[@]}" "$work/bareserve" -spin "$spin" -addr "127.0.0.1:$b3port" -dir "$work/root" "${names[@]}" 2> "$work/spin.log" &
b3pid=$!
for p in "$b2port" "$b3port"; do
  for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$p$path" && break; sleep 0.1; done
done
atonce "$b2pid" "http://127.0.0.1:$b2port$path" "$bpid" "http://127.0.0.1:$bport$path" "${args[@]}" || exit 1
paced_atonce "$b2pid" "http://127.0.0.1:$b2port$path" "$bpid" "http://127.0.0.1:$bport$path" "${args[@]}" || exit 1
echo "| bare Go beside bare Go ($name) | | | | | | | | | $at | $pat | $pus |"
ns_spin=$(sed -n 's/.*costs \([0-9]*\) ns a request.*/\1/p' "$work/spin.log")
atonce "$b3pid" "http://127.0.0.1:$b3port$path" "$bpid" "http://127.0.0.1:$bport$path" "${args[@]}" || exit 1
closed_known=$(echo "scale=2; 1 + $ns_spin / (1000 * ${aus#* / })" | bc)
paced_atonce "$b3pid" "http://127.0.0.1:$b3port$path" "$bpid" "http://127.0.0.1:$bport$path" "${args[@]}" || exit 1
open_known=$(echo "scale=2; 1 + $ns_spin / (1000 * ${pus#* / })" | bc)
echo "| bare Go + $ns_spin ns of arithmetic beside bare Go ($name): read as | | | | | | | | | $at; the known cost is $closed_known | $pat; the known cost is $open_known | $pus |"
