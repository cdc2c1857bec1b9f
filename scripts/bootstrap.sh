#!/usr/bin/env bash
# Makes a fresh clone runnable: installs node_modules from the lockfile when they are missing
# or older than the lockfile, builds the pinned temporal CLI when it is not there yet, installs
# PowerDNS (the hosted DNS addon) and dig/delv when they are missing, and with
# --browser installs Chromium for the browser tests.
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
# The hosted DNS addon (PowerDNS with its Postgres backend) and dig/delv, from Debian's packages.
bash scripts/ensure-pdns.sh >/dev/null ||
  echo "bootstrap: PowerDNS is not installed; npm run dev runs with registrar-hosted DNS only, and npm test needs it" >&2

# The browser tests (npm test passes --browser) drive Debian's Chromium through playwright-core;
# a test tool's own browser download is not possible here, so the system package is installed.
if [ "${1:-}" = "--browser" ] && [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing chromium (apt-get)" >&2
    (apt-get install -y -qq chromium >&2 2>/dev/null || { apt-get update -qq >&2 && apt-get install -y -qq chromium >&2; }) ||
      echo "bootstrap: could not install chromium; the browser tests will say how to get it" >&2
  else
    echo "bootstrap: no chromium; install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH" >&2
  fi
fi
