#!/usr/bin/env bash
# The README's test command: installs what the suite needs (npm packages, the Temporal CLI, pyarrow), builds,
# type-checks, lints, runs the whole vitest suite and ends with `tests: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
step() { echo "== $*" >&2; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund >&2 || { echo "tests: 0 passed, 1 failed"; exit 1; }
fi
step "temporal toolchain"
bash scripts/install-temporal.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }
step "test tools (pyarrow for the export tests)"
bash scripts/install-test-tools.sh || echo "install-test-tools failed: the export read-back tests will fail and say why" >&2
step "build"
npm run --silent build >&2 || { echo "tests: 0 passed, 1 failed"; exit 1; }
step "typecheck + lint"
npx tsc -p tsconfig.json --noEmit >&2 || { echo "tests: 0 passed, 1 failed"; exit 1; }
npx eslint . >&2 || { echo "tests: 0 passed, 1 failed"; exit 1; }

step "vitest"
mkdir -p .test-results
rm -f .test-results/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json "$@"
status=$?
node scripts/test-summary.js .test-results/vitest.json || status=1
exit $status
