#!/usr/bin/env bash
# One command from a fresh clone to a running gateway: install, services,
# secrets, client generation, build, migrations, then api + worker.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/ensure-services.sh
node scripts/setup-env.mjs
npm run -s db:generate
npm run -s build
node dist/libs/db/src/migrations/migrate.cli.js
echo "starting api on :${PORT:-8080} and worker (Ctrl-C stops both)"
node dist/apps/worker/src/main.js &
worker=$!
node dist/apps/api/src/main.js &
api=$!
trap 'kill -TERM $api $worker 2>/dev/null; wait' INT TERM
wait -n $api $worker
kill -TERM $api $worker 2>/dev/null || true
wait
