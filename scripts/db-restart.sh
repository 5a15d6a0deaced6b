#!/usr/bin/env bash
# `just db-restart`: PostgreSQL goes down for DOWN_SECONDS (5) and comes back while Socialpub is
# under load (wrk on GET /jobs/{id}, a POST /publish loop, a /readyz probe every 100 ms).
# Prints how fast it answered while the database was down (503, never a hang), what /readyz
# said, how long after PostgreSQL was back it answered again, and whether every job it
# accepted (202) was published. The PostgreSQL is a private throwaway cluster on a free
# loopback port, so no other user of the machine's server is disturbed. Bounded: ~40 s.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/load-lib.sh

need wrk "apt-get install -y wrk"
need jq "apt-get install -y jq"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -x "$PGBIN/pg_ctl" ]] || { echo "db-restart: PostgreSQL server binaries not found (apt-get install -y postgresql)" >&2; exit 1; }
DOWN="${DOWN_SECONDS:-5}"
PGPORT=$(free_port)
PGDATA="$WORK/pg"
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
chmod 755 "$WORK"
mkdir -p "$PGDATA" && { [[ $(id -u) != 0 ]] || chown postgres "$PGDATA"; }
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust >/dev/null
pg() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1" "$@" >/dev/null; }
cleanup() {
    jobs -p | xargs -r kill 2>/dev/null || true
    pg stop -m immediate 2>/dev/null || true
    load_cleanup
}
trap cleanup EXIT
pg -w start
as_pg "$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE socialpub" >/dev/null

start_server "postgres://postgres@127.0.0.1:$PGPORT/socialpub?sslmode=disable"
connect_x
JOB=$(publish_one "before the restart")
now() { date +%s.%N; }

cat >"$WORK/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
wrk -t1 -c8 -d$((DOWN + 20))s --latency -s "$WORK/auth.lua" "$BASE/api/v1/jobs/$JOB" >"$WORK/wrk.txt" &
loops=($!)
( end=$(( $(date +%s) + DOWN + 18 )); while (( $(date +%s) < end )); do
    printf '%s %s\n' "$(now)" "$(curl -s -o /dev/null -m 10 -w '%{http_code} %{time_total}' "$BASE/readyz")"
    sleep 0.1
  done ) >"$WORK/readyz.txt" &
loops+=($!)
( end=$(( $(date +%s) + DOWN + 15 )); i=0; while (( $(date +%s) < end )); do
    i=$((i + 1))
    printf '%s %s\n' "$(now)" "$(curl -s -m 10 -w ' %{http_code} %{time_total}' -H "$AUTH" \
        -H 'content-type: application/json' -d '{"connection_id":"'"$CID"'","text_content":"during the restart '"$i"'"}' \
        "$BASE/api/v1/publish" | tr -d '\n')"
    sleep 0.2
  done ) >"$WORK/publish.txt" &
loops+=($!)

sleep 4
down_at=$(now)
pg -m fast stop
stopped_at=$(now)
sleep "$DOWN"
pg -w start
up_at=$(now)
wait "${loops[@]}"

echo "db-restart: PostgreSQL stopped for $(awk -v a="$stopped_at" -v b="$up_at" 'BEGIN {printf "%.1f", b - a}') s under load (binary $BIN)"
awk -v a="$stopped_at" -v b="$up_at" '$1 > a && $1 < b {n++; if ($2 == 503) s++; if ($3 > m) m = $3}
    END {printf "  /readyz while down:            %d probes, %d answered 503, slowest %.3f s\n", n, s, m}' "$WORK/readyz.txt"
awk -v a="$stopped_at" -v b="$up_at" '$1 > a && $1 < b {n++; if ($(NF-1) == 503) s++; if ($NF > m) m = $NF}
    END {printf "  POST /publish while down:      %d requests, %d answered 503, slowest %.3f s\n", n, s, m}' "$WORK/publish.txt"
recovered=$(awk -v b="$up_at" '$1 > b && $2 == 200 {printf "%.2f", $1 - b; exit}' "$WORK/readyz.txt")
echo "  /readyz 200 again:             ${recovered:-never} s after PostgreSQL was back"
awk '/Requests\/sec/ {r=$2} $1 == "50%" {p50=$2} $1 == "99%" {p99=$2} /Non-2xx/ {e=$NF}
    END {printf "  wrk GET /jobs/{id} throughout: %s req/s, p50 %s, p99 %s, %s non-2xx\n", r, p50, p99, e + 0}' "$WORK/wrk.txt"

# Every accepted job must end published: none lost to the restart.
mapfile -t accepted < <(awk '$(NF-1) == 202' "$WORK/publish.txt" | grep -o '"job_id":"[^"]*"' | cut -d'"' -f4)
lost=0
for id in "${accepted[@]}"; do
    status=""
    for _ in $(seq 100); do
        status=$(curl -s -H "$AUTH" "$BASE/api/v1/jobs/$id/status" | jq -r .status)
        [[ "$status" == published ]] && break
        sleep 0.2
    done
    [[ "$status" == published ]] || { lost=$((lost + 1)); echo "  job $id ended $status" >&2; }
done
echo "  accepted jobs:                 ${#accepted[@]} accepted (202), $(( ${#accepted[@]} - lost )) published, $lost lost"
[[ -n "$recovered" && $lost == 0 ]]
