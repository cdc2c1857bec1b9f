#!/usr/bin/env bash
# `npm run test:reliability`: the reliability suites at full size, and the order, payment and
# webhook journeys with them, on both Temporal engines in turn: the dev server (what `npm test`
# uses) and the production engine as `npm run prod:local` runs it (temporal-server on Postgres,
# 8 history shards, SQL visibility; built on first use by scripts/ensure-temporal-server.sh).
# Extra arguments go to vitest (e.g. a file filter).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
suites=(test/reliability test/faults test/orders test/payments test/webhooks test/e2e)
for engine in dev prod-local; do
  echo "== reliability on the ${engine} engine" >&2
  FAULTS=1 TEMPORAL_ENGINE="$engine" RELIABILITY_SCALE=full FUZZ_RUNS="${FUZZ_RUNS:-10000}" \
    npx vitest run --config test/vitest.config.mts "${suites[@]}" "$@"
done
