#!/usr/bin/env bash
# Records workflow histories for the replay test (test/workflows/replay.test.ts) from a full test
# run: every run the suites start, one per distinct path per workflow type, written as
# `temporal workflow show --output json` writes them into test/workflows/histories/<day>-<commit>/
# with a manifest. Run it after every change to workflow code (workflows/), once that change is
# committed, and commit the new folder: the older folders stay, they are what runs in flight at a
# deploy look like. (docs/production.md, "Changing workflow code".)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
commit="$(git rev-parse --short HEAD)"
day="$(git show -s --format=%cs HEAD)"
if [ -n "$(git status --porcelain --untracked-files=no -- workflows)" ]; then
  echo "workflows/ has uncommitted changes: commit them first, so the histories name the code that made them" >&2
  exit 1
fi
dest="test/workflows/histories/${1:-$day-$commit}"
rm -rf "$dest"
RECORD_HISTORIES="$dest" RECORD_HISTORIES_SOURCE="commit $commit ($day)" \
  npx vitest run --config test/vitest.config.mts "${@:2}" || echo "some tests failed; the histories of the runs they started are recorded all the same" >&2
test -f "$dest/manifest.json"
echo "recorded $(ls "$dest" | grep -v '^manifest.json$' | grep -c '\.json$') histories into $dest"
