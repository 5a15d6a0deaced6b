#!/usr/bin/env bash
# The clone is self-contained: no code, test, script or recipe refers to a file outside it
# (our design repository beside the checkouts, a home directory, a machine's work tree).
# What a test needs is vendored into the repository. Lives in .ci/ because it must spell the
# patterns it looks for; it scans crates/, fuzz/, scripts/ and the justfile, skipping only
# target/ directories.
set -euo pipefail
cd "$(dirname "$0")/.."

parent=$(dirname "$(pwd -P)")
patterns=(
    -e '\.\./shared([/"'"'"'[:space:]]|$)'              # the shared folder beside our clones, at any depth
    -e '(\.\./){3,}'                                     # climbing above a crate's workspace
    -e '(^|[^[:alnum:]_.~-])/(work|home|root|Users)/'    # absolute paths on our machines
)
# The folder the clone sits in, unless it is a shared temporary root: a clone made in /tmp would
# otherwise flag every throwaway path a test names (`/tmp/from-dotenv`), which points at nothing
# beside the clone.
if [[ "$parent" != "/" && "$parent" != "/tmp" && "$parent" != "/var/tmp" && "$parent" != "${TMPDIR:-/tmp}" ]]; then
    patterns+=(-e "$(printf '%s' "$parent/" | sed 's/[][\.*^$+?(){}|]/\\&/g')")
fi

targets=(crates scripts justfile)
[[ -d fuzz ]] && targets+=(fuzz)
if hits=$(grep -rnIE --exclude-dir=target "${patterns[@]}" "${targets[@]}"); then
    echo "FORBIDDEN: these lines refer to paths outside the clone (vendor what they need):" >&2
    echo "$hits" >&2
    exit 1
fi
echo "self-contained: ok"
