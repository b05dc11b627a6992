#!/usr/bin/env bash
# The README's main job: installs what it needs, creates the SQLite database and runs the everyday week
# pipeline on a shipped FINRA file on the embedded default (SQLite + sync backend, no server), then shows
# the top symbols and the venue shares. Usage: bash scripts/demo.sh [FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
FILE=${1:-data/samples/finra_otc_weekly_otc_20251222.csv}
export SPINE_DATABASE_PATH=${SPINE_DATABASE_PATH:-$PWD/spine.db}
export SPINE_LOG_LEVEL=${SPINE_LOG_LEVEL:-warn}

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm packages" >&2
  npm ci --no-audit --no-fund >&2
fi
if [ ! -f dist/cli/commands/run.js ] || [ -n "$(find src migrations -newer dist/cli/commands/run.js -print -quit)" ]; then
  echo "== building" >&2
  npm run --silent build >&2
fi
spine() { node bin/run.js "$@"; }

echo "== database $SPINE_DATABASE_PATH"
spine db migrate
echo
echo "== spine run finra.otc_transparency.week --file $FILE"
spine run finra.otc_transparency.week --file "$FILE"
WEEK=$(spine query weeks --format json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).weeks[0].week_ending))')
echo
echo "== top 10 symbols, week $WEEK (spine query otc.summary --week $WEEK --top 10)"
spine query otc.summary --week "$WEEK" --top 10
echo
echo "== venue shares, week $WEEK (spine query otc.venue_share --week $WEEK)"
spine query otc.venue_share --week "$WEEK"
