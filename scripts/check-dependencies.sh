#!/usr/bin/env bash
# Dependency-direction guards: the core stays free of I/O frameworks, adapters do not depend
# on each other, and TLS is rustls on ring only.
set -euo pipefail

failed=0
# `cargo tree -i X` prints X's dependents when X is in the graph, and nothing (or an error)
# when it is not; only an empty answer passes.
forbid() {
    local package=$1 dependency=$2
    local out
    out=$(cargo tree -q -p "$package" -e normal -i "$dependency" 2>/dev/null || true)
    if [[ -n "$out" ]]; then
        echo "FORBIDDEN: $package depends on $dependency" >&2
        echo "$out" | head -5 >&2
        failed=1
    fi
}

for core in socialpub-domain socialpub-ports socialpub-application; do
    for framework in diesel diesel-async actix-web reqwest tokio-postgres hyper; do
        forbid "$core" "$framework"
    done
done
forbid socialpub-domain tokio
forbid socialpub-domain async-trait
forbid socialpub-http-api diesel
forbid socialpub-http-api socialpub-persistence
forbid socialpub-http-api reqwest

adapters=(socialpub-crypto socialpub-persistence socialpub-cache socialpub-auth socialpub-platform-http)
for a in "${adapters[@]}"; do
    forbid "$a" socialpub-application
    forbid "$a" socialpub-composition
    for b in "${adapters[@]}"; do
        [[ "$a" == "$b" ]] && continue
        forbid "$a" "$b"
    done
done

for banned in aws-lc-sys aws-lc-rs openssl-sys native-tls pq-sys; do
    out=$(cargo tree -q --workspace -e normal,build -i "$banned" 2>/dev/null || true)
    if [[ -n "$out" ]]; then
        echo "FORBIDDEN: $banned is in the dependency graph (use rustls with ring)" >&2
        echo "$out" | head -5 >&2
        failed=1
    fi
done

if [[ $failed -ne 0 ]]; then
    exit 1
fi
echo "dependency guards: ok"
