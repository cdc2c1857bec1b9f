#!/usr/bin/env bash
# Prints the path of `temporal-ui-server`, the standalone Temporal Web UI server, building it from
# its Go module when it is not there yet (into the git-ignored .tools/, reused).
#
# v2.42.1 is the UI the dev server embeds (CLI v1.5.1 prints "UI 2.42.1") and the image
# docker-compose.yml names (test/compose.test.ts keeps the three equal). The module embeds the
# UI's built assets, so `go install` gives a server that serves the whole UI.
#
# `$TEMPORAL_UI_SERVER`, when set, names such a binary already built.
set -euo pipefail

TEMPORAL_UI_VERSION="${TEMPORAL_UI_VERSION:-v2.42.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"

if [ -n "${TEMPORAL_UI_SERVER:-}" ]; then
  if [ -x "$TEMPORAL_UI_SERVER" ]; then echo "$TEMPORAL_UI_SERVER"; exit 0; fi
  echo "TEMPORAL_UI_SERVER=$TEMPORAL_UI_SERVER is not an executable file" >&2
  exit 1
fi

dest="$root/.tools/temporal-ui-$TEMPORAL_UI_VERSION"
bin="$dest/temporal-ui-server"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  echo "go is required to build the Temporal UI server (or set TEMPORAL_UI_SERVER)" >&2
  exit 1
fi

mkdir -p "$dest"
log="$dest/build.log"
echo "building temporal-ui-server $TEMPORAL_UI_VERSION into $dest (first run only; under a minute)" >&2
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ! GOBIN="$tmp" GOFLAGS=-mod=mod go install "github.com/temporalio/ui-server/v2/cmd/server@$TEMPORAL_UI_VERSION" >"$log" 2>&1; then
  echo "Temporal UI server build failed; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
mv "$tmp/server" "$bin"
echo "$bin"
