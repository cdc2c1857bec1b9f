#!/usr/bin/env bash
# Makes a fresh clone runnable: installs node_modules from the lockfile when they are missing
# or older than the lockfile, and builds the pinned temporal CLI when it is not there yet.
#
# `npm ci` is tried first. The registry this project is built against does not serve every
# platform package of @swc/core (an optional dependency of the Temporal worker), so the lockfile
# cannot list them and `npm ci` refuses it as out of sync; `npm install --no-save` then installs
# exactly the locked versions without rewriting package-lock.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
stamp="node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "bootstrap: npm ci" >&2
  npm ci --no-audit --no-fund >&2 2>/dev/null || npm install --no-save --no-audit --no-fund >&2
fi
bash scripts/ensure-temporal.sh >/dev/null
