#!/usr/bin/env bash
# `just load`: wrk against the main read endpoints and POST /publish (into the platform
# simulator) of a Socialpub on PostgreSQL, each printed as requests/s and p50/p99 beside the
# PostgreSQL ceiling for single-row reads (`pgbench -S`) measured in the same run on the same
# server. Loopback only; each case runs LOAD_SECONDS (10) with LOAD_CONNECTIONS (32).
# Uses a throwaway database on the PostgreSQL of scripts/ensure-postgres.sh, dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/load-lib.sh

need wrk "apt-get install -y wrk"
need pgbench "apt-get install -y postgresql-client"
need jq "apt-get install -y jq"
need psql "apt-get install -y postgresql-client"
SECONDS_PER_CASE="${LOAD_SECONDS:-10}"
CONNECTIONS="${LOAD_CONNECTIONS:-32}"
# The pool sized as docs/operations.md says (HTTP concurrency plus the worker's headroom), so
# that the service holds as many database connections as pgbench's ceiling does.
export DATABASE_POOL_SIZE="${DATABASE_POOL_SIZE:-$((CONNECTIONS + 4))}"
THREADS="${LOAD_THREADS:-2}"
(( SECONDS_PER_CASE <= 60 && CONNECTIONS <= 256 )) || { echo "load: bounded to 60 s and 256 connections per case" >&2; exit 2; }

eval "$(scripts/ensure-postgres.sh)"
ADMIN_URL="$TEST_DATABASE_URL"
DB="socialpub_load_$$"
DB_URL="${ADMIN_URL%/*}/$DB"
cleanup() {
    load_cleanup
    psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql -q "$ADMIN_URL" -c "CREATE DATABASE $DB" >/dev/null

start_server "$DB_URL"
connect_x
JOB=$(publish_one "load seed")
for _ in $(seq 50); do
    [[ $(curl -s -H "$AUTH" "$BASE/api/v1/jobs/$JOB/status" | jq -r .status) == published ]] && break
    sleep 0.2
done

cat >"$WORK/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
cat >"$WORK/publish.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"connection_id":"$CID","text_content":"load test post"}'
LUA

# run NAME PATH [SCRIPT]: one wrk case; prints a row.
run() {
    local name=$1 path=$2 script=${3:-$WORK/auth.lua} out rps p50 p99 non2xx
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_CASE}s" --latency -s "$script" "$BASE$path")
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
    printf '%-34s %10s req/s  p50 %8s  p99 %8s  %s\n' "$name" "$rps" "$p50" "$p99" \
        "${non2xx:+($non2xx non-2xx)}"
    echo "$rps" >"$WORK/rps.$(tr -c 'a-zA-Z0-9' _ <<<"$name")"
}

echo "load: $CONNECTIONS connections, $THREADS wrk threads, ${SECONDS_PER_CASE}s per case, pool of $DATABASE_POOL_SIZE, binary $BIN"
psql -q "$DB_URL" -c "SELECT 1" >/dev/null
pgbench -q -i -s 1 "$DB_URL" >/dev/null 2>&1
ceiling=$(pgbench -n -S -c "$CONNECTIONS" -j "$THREADS" -T "$SECONDS_PER_CASE" "$DB_URL" 2>/dev/null |
    awk '/^tps/ {printf "%.0f", $3}')
printf '%-34s %10s tps (the ceiling for single-row reads)\n' "pgbench -S" "$ceiling"
run "GET /healthz (no database)" /healthz
run "GET /api/v1/jobs/{id}" "/api/v1/jobs/$JOB"
run "GET /api/v1/connections/{id}" "/api/v1/connections/$CID"
run "GET /api/v1/jobs?status=published" "/api/v1/jobs?status=published&limit=20"
run "POST /api/v1/publish" /api/v1/publish "$WORK/publish.lua"
for name in "GET /api/v1/jobs/{id}" "GET /api/v1/connections/{id}"; do
    awk -v r="$(cat "$WORK/rps.$(tr -c 'a-zA-Z0-9' _ <<<"$name")")" -v c="$ceiling" -v n="$name" \
        'BEGIN {printf "%-34s %.2f of the pgbench -S ceiling\n", n, r / c}'
done
