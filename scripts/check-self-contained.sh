#!/usr/bin/env bash
# Fails when a file under crates/ refers to something outside the clone: the `shared` folder
# that sits beside our own clones (`../shared`), or an absolute path into a home or work
# directory. A fresh clone has neither, so a test reading one passes here and fails there;
# what a test needs is vendored under its crate instead (with its licence).
set -euo pipefail
cd "$(dirname "$0")/.."

pattern='\.\./shared/|(^|[^A-Za-z0-9_.~-])/(work|home|root|Users|shared)/'
if hits=$(grep -rnIE "$pattern" crates); then
    echo "check-self-contained: files under crates/ refer to paths outside the clone:" >&2
    echo "$hits" >&2
    exit 1
fi
echo "check-self-contained: nothing under crates/ refers to a path outside the clone"
