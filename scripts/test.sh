#!/usr/bin/env bash
# Every test (unit + e2e against real Postgres and Redis), from a fresh clone too.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/ensure-services.sh >/dev/null
bash scripts/ensure-chromium.sh >/dev/null || echo "warning: chromium unavailable; the approve-page browser test will fail" >&2
[ -f libs/db/src/generated/prisma/client.ts ] || npm run -s db:generate
exec node --experimental-vm-modules node_modules/jest/bin/jest.js "$@"
