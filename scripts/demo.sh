#!/usr/bin/env bash
# A tour of Socialpub with no setup: serves on a free port with a throwaway SQLite database
# and the built-in platform simulator (auto-approving), connects one account on each of the
# six platforms through the real OAuth redirects, lists them, checks a post against the rules,
# refreshes and disconnects one connection, then stops.
set -euo pipefail

bin=${SOCIALPUB_BIN:-target/debug/socialpub}
[[ -x "$bin" ]] || { echo "build first: cargo build -p socialpub" >&2; exit 1; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export DATA_DIR="$work" PORT="$port" PLATFORM_SIMULATOR=on PLATFORM_SIMULATOR_PORT=0 SOCIALPUB_SIM_AUTO_APPROVE=true
base="http://127.0.0.1:$port"
"$bin" serve >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT

for _ in $(seq 1 50); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.2; done
token=$("$bin" token --user demo-user 2>/dev/null)
auth=(-H "Authorization: Bearer $token")
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

echo "== connecting one account per platform (OAuth redirects through the simulator)"
for platform in instagram facebook linkedin x pinterest tiktok; do
    url=$(curl -sf "${auth[@]}" "$base/api/v1/connect/$platform" | json 'd["authorization_url"]')
    curl -sfL "$url" | json '"  %-10s %d account(s): %s" % (d["platform"], len(d["connections"]), ", ".join(c["display_name"] for c in d["connections"]))'
done

echo "== GET /api/v1/connections"
curl -sf "${auth[@]}" "$base/api/v1/connections" \
    | json '"\n".join("  %-10s %-24s %-7s expires_in=%s" % (c["platform"], c["display_name"], c["status"], c["expires_in"]) for c in d["items"])'

echo "== POST /api/v1/validate (an X post that is too long, with a banned hashtag)"
body='{"platform":"x","text_content":"'"$(printf 'a%.0s' $(seq 1 300))"' #followforfollow"}'
curl -s "${auth[@]}" -H 'content-type: application/json' -d "$body" "$base/api/v1/validate" \
    | json '"  valid=%s\n" % d["valid"] + "\n".join("  %s %s: %s" % (v["code"], v["field"], v["message"]) for v in d["violations"])'

id=$(curl -sf "${auth[@]}" "$base/api/v1/connections?platform=x" | json 'd["items"][0]["id"]')
echo "== refresh and disconnect the X connection"
curl -sf -X POST "${auth[@]}" "$base/api/v1/connections/$id/refresh" | json '"  refreshed: expires_in=%s" % d["expires_in"]'
curl -sf -X DELETE "${auth[@]}" "$base/api/v1/connections/$id" | json '"  disconnected=%s revoked_at_platform=%s" % (d["disconnected"], d["revoked_at_platform"])'
