# Socialpub tasks. `just run` and `just test` are the README's quick start.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Serve the API on 127.0.0.1:8080 (SQLite under ./data unless DATABASE_URL says otherwise).
run *ARGS:
    cargo run -p socialpub -- serve {{ARGS}}

# The whole test suite, PostgreSQL included (fails if no PostgreSQL can be had).
test *ARGS:
    #!/usr/bin/env bash
    set -euo pipefail
    eval "$(scripts/ensure-postgres.sh)"
    if cargo nextest --version >/dev/null 2>&1; then
        cargo nextest run --workspace --no-fail-fast {{ARGS}}
    else
        cargo test --workspace --no-fail-fast {{ARGS}}
    fi

# A tour against the built-in platform simulator: connect all six platforms, validate, refresh.
demo:
    cargo build -q -p socialpub
    SOCIALPUB_BIN="${CARGO_TARGET_DIR:-target}/debug/socialpub" scripts/demo.sh

# One scheduled post's webhook deliveries, as a loopback receiver gets them (simulator, SQLite,
# ~1.5 minutes; SCHEDULE_IN=seconds ahead).
webhook-tour:
    cargo build -q -p socialpub
    SOCIALPUB_BIN="${CARGO_TARGET_DIR:-target}/debug/socialpub" scripts/webhook-tour.sh

# Apply database migrations.
migrate:
    cargo run -p socialpub -- migrate

# Mint a development bearer token: `just token alice`.
token USER:
    cargo run -q -p socialpub -- token --user {{USER}}

# Self-containment, formatting, lints and the dependency allow-list, as CI runs them.
lint:
    .ci/self-contained.sh
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    scripts/check-dependencies.py --self-test
    scripts/check-dependencies.py

fmt:
    cargo fmt --all

# Benchmarks: numbers, never assertions. BENCH_MILLIS sets the time per case of the domain's
# (`just bench x` runs only its cases whose name contains `x`); BENCH_* sizes the engine's (see
# docs/operations.md), which needs PostgreSQL.
bench *FILTER:
    cargo bench -p socialpub-domain --bench content_rules -- {{FILTER}}
    eval "$(scripts/ensure-postgres.sh)" && cargo bench -p socialpub-bench --bench engine

# Kill -9 three workers at random under a platform storm with 2,000 jobs on a throwaway
# PostgreSQL database; checks nothing is posted twice, lost or stuck (loopback, ~4 minutes).
chaos:
    cargo build -q -p socialpub
    SOCIALPUB_BIN="${CARGO_TARGET_DIR:-target}/debug/socialpub" scripts/chaos.sh

# wrk against GET /jobs/{id}, /connections/{id}, /jobs?..., POST /publish (into the simulator) on a
# throwaway PostgreSQL database, beside the `pgbench -S` ceiling of the same run (loopback,
# LOAD_SECONDS per case, 10 by default). Builds the release binary; needs wrk, pgbench, jq.
load:
    command -v wrk >/dev/null || apt-get install -y wrk || { echo "install wrk (apt-get install -y wrk)"; exit 1; }
    cargo build -q --release -p socialpub
    SOCIALPUB_BIN="${CARGO_TARGET_DIR:-target}/release/socialpub" scripts/load.sh

# PostgreSQL restarted under load (a private throwaway cluster, so no other user of the local
# server is disturbed): 503s fast while it is down, /readyz says so, recovery time printed,
# no accepted job lost.
db-restart:
    command -v wrk >/dev/null || apt-get install -y wrk || { echo "install wrk (apt-get install -y wrk)"; exit 1; }
    cargo build -q --release -p socialpub
    SOCIALPUB_BIN="${CARGO_TARGET_DIR:-target}/release/socialpub" scripts/db-restart.sh
