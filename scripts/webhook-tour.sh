#!/usr/bin/env bash
# One scheduled post's life as a webhook receiver sees it, with no setup: serves on a free
# port with a throwaway SQLite database and the built-in platform simulator (auto-approving),
# starts a loopback receiver (python3's http.server: it answers 204 and logs each request),
# registers it for every event, connects X, schedules a post SCHEDULE_IN seconds ahead
# (default 60), waits until the post completed, prints what arrived, then stops.
# Loopback targets need ALLOW_PRIVATE_WEBHOOK_URLS=true (development and tests only).
set -euo pipefail

bin=${SOCIALPUB_BIN:-target/debug/socialpub}
[[ -x "$bin" ]] || { echo "build first: cargo build -p socialpub" >&2; exit 1; }
ahead=${SCHEDULE_IN:-60}
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
receiver_port=$(free_port)
export DATA_DIR="$work" PORT="$port" PLATFORM_SIMULATOR=on PLATFORM_SIMULATOR_PORT=0 \
    SOCIALPUB_SIM_AUTO_APPROVE=true ALLOW_PRIVATE_WEBHOOK_URLS=true WORKER_POLL_INTERVAL_SECONDS=1
base="http://127.0.0.1:$port"

# The receiver: one JSON line per request (arrival time, the Standard Webhooks headers, body).
cat >"$work/receiver.py" <<'PY'
import json, sys, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
log = open(sys.argv[2], "a", buffering=1)
class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
        log.write(json.dumps({
            "received_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
            "webhook-id": self.headers.get("webhook-id"),
            "webhook-timestamp": self.headers.get("webhook-timestamp"),
            "webhook-signature": self.headers.get("webhook-signature"),
            "body": json.loads(body),
        }) + "\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
PY
python3 "$work/receiver.py" "$receiver_port" "$work/received.jsonl" &
receiver=$!
"$bin" serve >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server $receiver 2>/dev/null; rm -rf "$work"' EXIT

for _ in $(seq 1 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.2; done
token=$("$bin" token --user tour-user 2>/dev/null)
auth=(-H "Authorization: Bearer $token")
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

echo "== POST /api/v1/webhooks (every event, to the loopback receiver on :$receiver_port)"
curl -sf "${auth[@]}" -H 'content-type: application/json' \
    -d '{"url":"http://127.0.0.1:'"$receiver_port"'/hooks","events":["*"],"description":"webhook tour"}' \
    "$base/api/v1/webhooks" | json '"  webhook %s, secret %s... (shown once)" % (d["id"], d["secret"][:10])'

echo "== connecting X through the simulator"
url=$(curl -sf "${auth[@]}" "$base/api/v1/connect/x" | json 'd["authorization_url"]')
cid=$(curl -sfL "$url" | json 'd["connections"][0]["id"]')
echo "  connection $cid"

at=$(python3 -c "import datetime as t; print((t.datetime.now(t.timezone.utc)+t.timedelta(seconds=$ahead)).isoformat(timespec='seconds'))")
echo "== POST /api/v1/posts, scheduled for $at"
post=$(curl -sf "${auth[@]}" -H 'content-type: application/json' -H "Idempotency-Key: tour-$RANDOM" \
    -d '{"text_content":"Webhook tour","schedule_time":"'"$at"'","metadata":{"campaign":"tour"},"targets":[{"connection_id":"'"$cid"'"}]}' \
    "$base/api/v1/posts")
echo "$post" | json '"  post %s, job %s: %s" % (d["post_id"], d["jobs"][0]["job_id"], d["jobs"][0]["status"])'

echo "== waiting for post.completed (up to $((ahead + 120)) s)"
for _ in $(seq 1 $(((ahead + 120) * 2))); do
    grep -q '"post.completed"' "$work/received.jsonl" 2>/dev/null && break
    sleep 0.5
done
sleep 1

echo "== what the receiver got, in order of arrival"
python3 - "$work/received.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    e = r["body"]
    data = e["data"]
    what = data.get("job") or data.get("post") or data.get("connection") or data
    brief = {k: what.get(k) for k in ("job_id", "post_id", "status", "post_url", "scheduled_at", "next_attempt_at", "error_code") if what.get(k) is not None}
    if "targets" in what:
        brief["targets"] = [{k: t[k] for k in ("platform", "status", "post_url")} for t in what["targets"]]
    print("%s  %-16s id=%s timestamp=%s webhook-timestamp=%s signature=%s..." % (
        r["received_at"], e["type"], r["webhook-id"], e["timestamp"], r["webhook-timestamp"], r["webhook-signature"][:14]))
    print("    metadata=%s %s" % (json.dumps(e["metadata"]), json.dumps(brief)))
PY
echo "== GET /api/v1/webhooks/{id}/deliveries"
wid=$(curl -sf "${auth[@]}" "$base/api/v1/webhooks" | json 'd["items"][0]["id"]')
curl -sf "${auth[@]}" "$base/api/v1/webhooks/$wid/deliveries" \
    | json '"\n".join("  %-16s %-9s attempts=%s last_status=%s %sms" % (x["event_type"], x["status"], x["attempts"], x["last_status"], x["response_time_ms"]) for x in d["items"])'
