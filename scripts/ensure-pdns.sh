#!/usr/bin/env bash
# Prints the path of `pdns_server` (PowerDNS Authoritative 4.7, the hosted DNS addon), installing
# Debian's pdns-server and pdns-backend-pgsql, and bind9-dnsutils (dig, delv) beside them, when
# they are missing.
#
# Order of preference:
#   1. $PDNS_SERVER_BIN, when set (must be executable)
#   2. `pdns_server` on PATH or in /usr/sbin, with the Postgres backend's schema installed
#   3. apt-get install (as root), `apt-get update` first when the package lists are stale
#
# The package's own service is never started here: the project starts pdns_server itself, on
# loopback, with a configuration and a database of its own (src/hosted-dns/server.ts).
set -euo pipefail

schema=/usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql
find_bin() {
  if [ -n "${PDNS_SERVER_BIN:-}" ]; then
    if [ -x "$PDNS_SERVER_BIN" ]; then echo "$PDNS_SERVER_BIN"; return 0; fi
    echo "PDNS_SERVER_BIN=$PDNS_SERVER_BIN is not an executable file" >&2
    exit 1
  fi
  local bin
  bin="$(PATH="$PATH:/usr/sbin:/sbin" command -v pdns_server 2>/dev/null)" || return 1
  [ -f "$schema" ] || return 1
  command -v dig >/dev/null 2>&1 && command -v delv >/dev/null 2>&1 || return 1
  echo "$bin"
}

if find_bin; then exit 0; fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-pdns: PowerDNS is missing; install it (sudo apt-get install -y pdns-server pdns-backend-pgsql bind9-dnsutils) or set PDNS_SERVER_BIN" >&2
  exit 1
fi
echo "ensure-pdns: installing pdns-server, pdns-backend-pgsql and bind9-dnsutils (apt-get)" >&2
packages=(pdns-server pdns-backend-pgsql bind9-dnsutils)
export DEBIAN_FRONTEND=noninteractive
# The package's maintainer scripts try to start its service; there is no init system here, and
# policy-rc.d keeps them from trying.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
fi
cleanup() { if [ "$made_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
apt-get install -y -qq "${packages[@]}" >&2 2>/dev/null ||
  { apt-get update -qq >&2 && apt-get install -y -qq "${packages[@]}" >&2; }
find_bin
