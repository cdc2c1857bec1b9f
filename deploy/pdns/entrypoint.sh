#!/bin/sh
# Creates PowerDNS's database and loads the backend's schema when missing, writes pdns.conf from
# the environment (PDNS_DB_*, PDNS_API_KEY), and runs pdns_server in the foreground.
set -eu
: "${PDNS_DB_HOST:?}" "${PDNS_DB_USER:?}" "${PDNS_DB_NAME:?}" "${PDNS_API_KEY:?}"
export PGPASSWORD="${PDNS_DB_PASSWORD:-}"
psql -h "$PDNS_DB_HOST" -U "$PDNS_DB_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PDNS_DB_NAME'" | grep -q 1 ||
  psql -h "$PDNS_DB_HOST" -U "$PDNS_DB_USER" -d postgres -c "CREATE DATABASE \"$PDNS_DB_NAME\""
psql -h "$PDNS_DB_HOST" -U "$PDNS_DB_USER" -d "$PDNS_DB_NAME" -tAc "SELECT to_regclass('public.domains') IS NOT NULL" | grep -q t ||
  psql -h "$PDNS_DB_HOST" -U "$PDNS_DB_USER" -d "$PDNS_DB_NAME" -f /usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql
mkdir -p /run/pdns
cat > /etc/powerdns/pdns.conf <<CONF
launch=gpgsql
gpgsql-host=$PDNS_DB_HOST
gpgsql-user=$PDNS_DB_USER
gpgsql-password=${PDNS_DB_PASSWORD:-}
gpgsql-dbname=$PDNS_DB_NAME
gpgsql-dnssec=yes
local-address=0.0.0.0
local-port=53
api=yes
api-key=$PDNS_API_KEY
webserver=yes
webserver-address=0.0.0.0
webserver-port=8081
webserver-allow-from=${PDNS_API_ALLOW_FROM:-10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,127.0.0.0/8}
security-poll-suffix=
socket-dir=/run/pdns
CONF
exec pdns_server --config-dir=/etc/powerdns --daemon=no --guardian=no --disable-syslog --write-pid=no
