#!/usr/bin/env bash
# Prints the path of a `temporal` CLI binary, building it from its Go module when needed.
#
# Order of preference:
#   1. $TEMPORAL_BIN, when set (must be executable)
#   2. a `temporal` on PATH
#   3. .tools/temporal-<version>/temporal inside this repo (built once, then reused)
#
# The build uses `go install module@version`; the CLI's go.mod carries a `replace`
# directive (cliext => ./cliext), which `go install` refuses, so on failure we download the
# module source through the module proxy, copy it to a writable temp folder and `go build` there.
set -euo pipefail

TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"

if [ -n "${TEMPORAL_BIN:-}" ]; then
  if [ -x "$TEMPORAL_BIN" ]; then echo "$TEMPORAL_BIN"; exit 0; fi
  echo "TEMPORAL_BIN=$TEMPORAL_BIN is not an executable file" >&2
  exit 1
fi
if on_path="$(command -v temporal 2>/dev/null)"; then
  echo "$on_path"
  exit 0
fi

dest_dir="$root/.tools/temporal-$TEMPORAL_CLI_VERSION"
bin="$dest_dir/temporal"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  echo "go is required to build the temporal CLI (or set TEMPORAL_BIN)" >&2
  exit 1
fi

mkdir -p "$dest_dir"
log="$dest_dir/build.log"
echo "building temporal CLI $TEMPORAL_CLI_VERSION into $dest_dir (first run only; takes a few minutes)" >&2

if GOBIN="$dest_dir" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >"$log" 2>&1; then
  echo "$bin"
  exit 0
fi

echo "go install refused the module (see $log); building from the downloaded module source" >&2
src="$(go mod download -json "github.com/temporalio/cli@$TEMPORAL_CLI_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [ -z "$src" ] || [ ! -d "$src" ]; then
  echo "could not download github.com/temporalio/cli@$TEMPORAL_CLI_VERSION" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"
(cd "$work" && go build -o "$bin.partial" ./cmd/temporal) >>"$log" 2>&1 || {
  echo "temporal CLI build failed; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
}
mv "$bin.partial" "$bin"
echo "$bin"
