#!/usr/bin/env bash
# Finds a PostgreSQL server for the test suite and prints `export TEST_DATABASE_URL=...` for
# `eval`. Order: TEST_DATABASE_URL, DATABASE_URL (when it is a postgres URL), then the local
# server on 127.0.0.1:5432, started if its cluster is installed but stopped. Exits non-zero
# when none can be had: the suite must fail, never skip, without PostgreSQL.
set -euo pipefail

candidate=""
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
    candidate="$TEST_DATABASE_URL"
elif [[ "${DATABASE_URL:-}" == postgres://* || "${DATABASE_URL:-}" == postgresql://* ]]; then
    candidate="$DATABASE_URL"
else
    candidate="postgres://postgres@127.0.0.1:5432/postgres"
fi

reachable() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -d "$1" -t 3
    else
        python3 - "$1" <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
socket.create_connection((u.hostname or "127.0.0.1", u.port or 5432), timeout=3).close()
PY
    fi
}

if ! reachable "$candidate" 2>/dev/null; then
    if [[ "$candidate" == *"127.0.0.1:5432"* || "$candidate" == *"localhost:5432"* ]] \
        && command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
        version=$(ls /etc/postgresql | sort -V | tail -n 1)
        echo "ensure-postgres: starting the local PostgreSQL $version cluster" >&2
        pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
        for _ in $(seq 1 30); do
            reachable "$candidate" 2>/dev/null && break
            sleep 1
        done
    fi
fi

if ! reachable "$candidate" 2>/dev/null; then
    echo "ensure-postgres: no PostgreSQL at ${candidate%%@*}@... ; set TEST_DATABASE_URL or start a server on 127.0.0.1:5432" >&2
    exit 1
fi
echo "export TEST_DATABASE_URL='$candidate'"
