#!/usr/bin/env bash
# Prints the folder holding `temporal-server`, `temporal-sql-tool` and the Postgres schema files
# of the Temporal server release the dev server embeds, building them from the Go module when
# they are not there yet (into the git-ignored .tools/, reused).
#
# The dev server (scripts/ensure-temporal.sh, CLI v1.5.1) runs Temporal Server v1.29.1; this is
# the same server as its own binaries, which run on Postgres with many history shards: the
# production engine (`npm run prod:local`, docker-compose.yml).
#
# `$TEMPORAL_SERVER_DIR`, when set, names a folder that already holds all three.
set -euo pipefail

TEMPORAL_SERVER_VERSION="${TEMPORAL_SERVER_VERSION:-v1.29.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"

complete() {
  [ -x "$1/temporal-server" ] && [ -x "$1/temporal-sql-tool" ] && [ -d "$1/schema/postgresql/v12" ]
}

if [ -n "${TEMPORAL_SERVER_DIR:-}" ]; then
  if complete "$TEMPORAL_SERVER_DIR"; then echo "$TEMPORAL_SERVER_DIR"; exit 0; fi
  echo "TEMPORAL_SERVER_DIR=$TEMPORAL_SERVER_DIR lacks temporal-server, temporal-sql-tool or schema/postgresql/v12" >&2
  exit 1
fi

dest="$root/.tools/temporal-server-$TEMPORAL_SERVER_VERSION"
if complete "$dest"; then echo "$dest"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  echo "go is required to build the Temporal server (or set TEMPORAL_SERVER_DIR)" >&2
  exit 1
fi

mkdir -p "$dest"
log="$dest/build.log"
echo "building temporal-server and temporal-sql-tool $TEMPORAL_SERVER_VERSION into $dest (first run only; takes a few minutes)" >&2
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
# The module has no replace directives, so `go install module@version` builds it as released.
if ! GOBIN="$bin" GOFLAGS=-mod=mod go install \
  "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
  "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" >"$log" 2>&1; then
  echo "Temporal server build failed; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
# The schema files (setup and versioned updates) ship in the same module.
src="$(go mod download -json "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [ -z "$src" ] || [ ! -d "$src/schema/postgresql/v12" ]; then
  echo "could not find the schema files of go.temporal.io/server@$TEMPORAL_SERVER_VERSION" >&2
  exit 1
fi
rm -rf "$dest/schema"
mkdir -p "$dest/schema/postgresql"
cp -R "$src/schema/postgresql/v12" "$dest/schema/postgresql/"
chmod -R u+w "$dest/schema"
mv "$bin/sql" "$dest/temporal-sql-tool"
mv "$bin/server" "$dest/temporal-server"
echo "$dest"
