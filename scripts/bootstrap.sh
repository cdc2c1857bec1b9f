#!/usr/bin/env bash
# Makes a fresh clone runnable: installs node_modules from the lockfile when they are missing
# or older than the lockfile, and builds the pinned temporal CLI when it is not there yet.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
stamp="node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "bootstrap: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
bash scripts/ensure-temporal.sh >/dev/null
