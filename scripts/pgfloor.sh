#!/usr/bin/env bash
# PostgreSQL's own floor for docs/performance.md: pgbench (Debian's postgresql-client)
# runs a star as confcal writes one (read the schedule by id; write it back on an unchanged
# version), 8 clients at a fixed rate, each transaction timed from when it was due, with
# and without a pg_notify in the writing statement, in a schema of its own in $DSN that it
# drops afterwards; bounded in time. Prints p50 / p99 / p99.9 / max per variant and rate.
#   scripts/pgfloor.sh [seconds, default 10] [rates, default "1000 2000"]
set -euo pipefail
secs="${1:-10}"; rates="${2:-1000 2000}"
DSN="${DSN:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
command -v pgbench >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; }
work=$(mktemp -d); schema="pgfloor_$$"
trap 'psql "$DSN" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
psql "$DSN" -q <<EOF
CREATE SCHEMA $schema;
CREATE TABLE $schema.schedules (id TEXT PRIMARY KEY, event TEXT NOT NULL, feed_hash TEXT NOT NULL UNIQUE,
  edit_hash TEXT NOT NULL, sessions JSONB NOT NULL, alarm_minutes INTEGER NOT NULL, version INTEGER NOT NULL,
  created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
CREATE INDEX ON $schema.schedules (event);
INSERT INTO $schema.schedules SELECT 'k' || g, 'synth', md5(g::text) || md5((g + 1)::text), md5(g::text),
  '["session-1","session-2"]', 10, 1, now(), now() FROM generate_series(1, 10000) g;
EOF
read="SELECT id, event, feed_hash, edit_hash, sessions, alarm_minutes, version, created_at, updated_at FROM $schema.schedules WHERE id = 'k' || :n;"
update="UPDATE $schema.schedules SET sessions = '[\"session-1\",\"session-2\",\"session-3\"]', version = version + 1, updated_at = now() WHERE id = 'k' || :n"
printf '\\set n random(1, 10000)\n%s\n%s;\n' "$read" "$update" > "$work/plain.sql"
printf '\\set n random(1, 10000)\n%s\nWITH u AS (%s RETURNING 1) SELECT pg_notify(%s, %s) FROM u;\n' "$read" "$update" "'pgfloor'" "'schedule x'" > "$work/notify.sql"
echo "$(psql "$DSN" -Atc 'SHOW server_version'); synchronous_commit $(psql "$DSN" -Atc 'SHOW synchronous_commit'); pgbench -c 8 -j 2 -T $secs"
echo
echo "| statement | load | tx/s | p50 | p99 | p99.9 | max |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
cd "$work"
for v in plain notify; do
  for r in closed $rates; do
    rm -f pgbench_log.*
    opt=(); [ "$r" = closed ] || opt=(-R "$r")
    tps=$(pgbench -n -M prepared -c 8 -j 2 -T "$secs" "${opt[@]}" -l -f "$v.sql" "$DSN" 2>/dev/null | awk '/^tps/ {printf "%d", $3}')
    cat pgbench_log.* | awk '{print $3}' | sort -n | awk -v v="$v" -v r="$r" -v tps="$tps" '{a[NR]=$1}
      END {printf "| %s | %s | %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms |\n", v, (r == "closed" ? "closed loop" : r "/s offered"), tps,
        a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000, a[int(NR*0.999)]/1000, a[NR]/1000}'
  done
done
