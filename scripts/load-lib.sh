# Shared by scripts/load.sh and scripts/db-restart.sh (sourced): start a throwaway Socialpub
# on loopback against a PostgreSQL URL, with the platform simulator, and connect one X account.
# Everything stays on 127.0.0.1; everything started here is stopped by `load_cleanup`.

BIN="${SOCIALPUB_BIN:-${CARGO_TARGET_DIR:-target}/release/socialpub}"
WORK=$(mktemp -d -t socialpub-load.XXXXXX)
SERVER_PID=""

need() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "load: '$1' is missing: $2" >&2
        exit 1
    }
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

load_cleanup() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}

# start_server DATABASE_URL: serves on $PORT with its own simulator; sets BASE, AUTH.
start_server() {
    PORT=$(free_port)
    BASE="http://127.0.0.1:$PORT"
    export DATABASE_URL="$1"
    export HOST=127.0.0.1 PORT PUBLIC_BASE_URL="$BASE" DATA_DIR="$WORK/data"
    export AES_ENCRYPTION_KEYS="$("$BIN" keygen --id 1)"
    export AUTH_JWT_SECRET="load-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
    export AUTH_ISSUER=https://auth.load.test AUTH_AUDIENCE=socialpub-load
    export PLATFORM_SIMULATOR=on PLATFORM_SIMULATOR_PORT="$(free_port)" SOCIALPUB_SIM_AUTO_APPROVE=true
    export LOG_FORMAT=json RUST_LOG="${RUST_LOG:-warn}"
    export DATABASE_POOL_SIZE="${DATABASE_POOL_SIZE:-10}" DATABASE_POOL_TIMEOUT_SECONDS="${DATABASE_POOL_TIMEOUT_SECONDS:-2}"
    "$BIN" serve >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do
        curl -sf "$BASE/readyz" >/dev/null 2>&1 && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
        sleep 0.2
    done
    TOKEN=$("$BIN" token --user load-user)
    AUTH="Authorization: Bearer $TOKEN"
}

# connect_x: connects one simulated X account (production flow: callback, then complete); sets CID.
connect_x() {
    local url answer
    url=$(curl -sf -H "$AUTH" "$BASE/api/v1/connect/x" | jq -r .authorization_url)
    answer=$(curl -s -L "$url")
    CID=$(curl -sf -H "$AUTH" -H 'content-type: application/json' \
        -d "$(jq -c '{code, state}' <<<"$answer")" "$BASE/api/v1/connect/x/complete" |
        jq -r '.connections[0].id')
    [[ "$CID" != null && -n "$CID" ]] || { echo "load: connecting X failed: $answer" >&2; exit 1; }
}

# publish_one TEXT: POST /publish; prints the job id.
publish_one() {
    curl -sf -H "$AUTH" -H 'content-type: application/json' \
        -d '{"connection_id":"'"$CID"'","text_content":"'"$1"'"}' "$BASE/api/v1/publish" | jq -r .job_id
}
