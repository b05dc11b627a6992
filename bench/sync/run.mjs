// bench/sync (issue 13): `finra.otc_transparency.sync` against the local fake FINRA Query API (real weekly
// rows: 5,328 per week from data/samples, two 5,000-row pages per week), sync backend, fresh database.
//   1. fill: 52 weeks × 3 tiers published (one sync per tier; OTC's is the "full compute of 52 weeks");
//   2. nothing changed: a sync re-checking all 156 week-tiers (revision window 52): time per week-tier and
//      requests made, against a baseline measured in the same run: the bare HTTP fetch of the same pages
//      (fetch + JSON.parse, same concurrency, no hashing, no database);
//   3. a one-week revision (OTC, week 26 of 52): what the sync published, which weeks the revision-aware
//      recompute rebuilt (and why), and its time against the OTC fill.
// Usage: npm run build && node bench/sync/run.mjs [--weeks 52] [--rows 5328] [--concurrency 4]
import { join } from 'node:path';
import {
  dist,
  fmtInt,
  fmtMs,
  fmtRatio,
  msSince,
  nowNs,
  numberOption,
  printHeader,
  printTable,
  tempDir,
  verdict,
} from '../lib/common.mjs';

const WEEKS = numberOption('weeks', 52);
const ROWS = numberOption('rows', 0);
const CONCURRENCY = numberOption('concurrency', 4);
const NOW = '2026-02-02';

printHeader('bench/sync');
const dir = tempDir('sync');
const [{ FakeFinraApi, readDataDir }, { createSpine }, { silentLogger }, { fixedClock }] = await Promise.all([
  dist('devtools/fake-finra-api/index.js'),
  dist('app/spine.js'),
  dist('core/logging/logger.js'),
  dist('core/clock.js'),
]);
const samples = join(process.cwd(), 'data', 'samples');
const fake = FakeFinraApi.fromDataDir(samples, readDataDir(samples), ROWS > 0 ? { rowsPerWeek: ROWS } : {});
fake.setNow(`${NOW}T06:00:00.000Z`);
const url = await fake.start();
process.env.SPINE_FINRA_API_URL = url;
const spine = createSpine({
  dbPath: join(dir, 'spine.db'),
  log: silentLogger,
  clock: fixedClock(`${NOW}T06:00:00.000Z`, 1),
});

const TIERS = ['NMS_TIER_1', 'NMS_TIER_2', 'OTC'];
const LATEST = { NMS_TIER_1: '2026-01-16', NMS_TIER_2: '2026-01-02', OTC: '2026-01-02' };
const addDays = (iso, d) => new Date(Date.parse(`${iso}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
const fromOf = (tier) => addDays(LATEST[tier], -7 * (WEEKS - 1));

async function sync(params) {
  const t0 = nowNs();
  const before = fake.requests.length;
  const e = await spine.dispatcher.submit('finra.otc_transparency.sync', {
    as_of: NOW,
    concurrency: CONCURRENCY,
    ...params,
  });
  const ms = msSince(t0);
  if (e.status !== 'completed') throw new Error(`sync ${JSON.stringify(params)} ${e.status}: ${e.errorMessage}`);
  return { e, ms, requests: fake.requests.length - before };
}

// 1. Fill.
const fill = {};
for (const tier of TIERS) fill[tier] = await sync({ tier, from_week: fromOf(tier), revision_window: 0 });
const rowsPerWeek = fake.weekRows('OTC', LATEST.OTC).length;
printTable(
  `Fill: ${WEEKS} weeks per tier published from the fake API (${fmtInt(rowsPerWeek)} rows per week)`,
  ['tier', 'weeks published', 'requests', 'wall', 'per week'],
  TIERS.map((t) => [
    t,
    fill[t].e.result.counts.published,
    fill[t].requests,
    fmtMs(fill[t].ms),
    fmtMs(fill[t].ms / WEEKS),
  ]),
);

// 2. Nothing changed: every week-tier re-checked.
const check = { ms: 0, requests: 0, unchanged: 0, checked: 0 };
const t0 = nowNs();
for (const tier of TIERS) {
  const r = await sync({ tier, from_week: fromOf(tier), revision_window: WEEKS });
  check.requests += r.requests;
  check.unchanged += r.e.result.counts.unchanged;
  check.checked += r.e.result.counts.checked;
}
check.ms = msSince(t0);
const captures = spine.db.prepare(`SELECT COUNT(*) AS n FROM core_captures`).get().n;

// Baseline: the same pages, fetched and parsed, same concurrency, nothing else.
const { FINRA_WEEKLY_FIELDS } = await dist('domains/otc/sources/finra-api-payload.js');
const jobs = TIERS.flatMap((tier) => Array.from({ length: WEEKS }, (_, i) => [tier, addDays(fromOf(tier), 7 * i)]));
const ids = { NMS_TIER_1: 'T1', NMS_TIER_2: 'T2', OTC: 'OTC' };
const codes = { NMS_TIER_1: 'ATS_W_SMBL_FIRM', NMS_TIER_2: 'ATS_W_SMBL_FIRM', OTC: 'OTC_W_SMBL_FIRM' };
let bareRequests = 0;
async function bareWeek([tier, week]) {
  for (let offset = 0; ; offset += 5000) {
    bareRequests++;
    const res = await fetch(`${url}/data/group/otcMarket/name/weeklySummary`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        fields: FINRA_WEEKLY_FIELDS,
        compareFilters: [{ fieldName: 'summaryTypeCode', fieldValue: codes[tier], compareType: 'EQUAL' }],
        dateRangeFilters: [{ fieldName: 'weekStartDate', startDate: addDays(week, -4), endDate: week }],
        domainFilters: [{ fieldName: 'tierIdentifier', values: [ids[tier]] }],
        limit: 5000,
        offset,
      }),
    });
    const rows = JSON.parse(await res.text());
    if (rows.length < 5000) return;
  }
}
const b0 = nowNs();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < jobs.length) await bareWeek(jobs[next++]);
  }),
);
const bareMs = msSince(b0);
const n = jobs.length;
printTable(
  `Nothing changed: ${n} week-tiers re-checked (${check.unchanged} unchanged, ${captures} captures before and after)`,
  ['case', 'wall', 'per week-tier', 'requests', 'ratio'],
  [
    [
      'spine sync (3 runs, revision window ' + WEEKS + ')',
      fmtMs(check.ms),
      fmtMs(check.ms / n),
      check.requests,
      fmtRatio(check.ms / bareMs),
    ],
    ['baseline: bare fetch + JSON.parse of the same pages', fmtMs(bareMs), fmtMs(bareMs / n), bareRequests, '1.00x'],
  ],
);
if (spine.db.prepare(`SELECT COUNT(*) AS n FROM core_captures`).get().n !== captures)
  throw new Error('the check made captures');

// 3. One revised week.
const revisedWeek = addDays(fromOf('OTC'), 7 * Math.floor(WEEKS / 2));
fake.revise('OTC', revisedWeek, NOW);
const before = spine.db.prepare(`SELECT COUNT(*) AS n FROM core_captures`).get().n;
const rev = await sync({ tier: 'OTC', from_week: fromOf('OTC'), revision_window: WEEKS });
const made = spine.db
  .prepare(
    `SELECT week_ending, tier, base_capture_id IS NOT NULL AS recompute FROM core_captures ORDER BY rowid DESC LIMIT ?`,
  )
  .all(spine.db.prepare(`SELECT COUNT(*) AS n FROM core_captures`).get().n - before);
const recomputed = made
  .filter((c) => c.recompute)
  .map((c) => `${c.tier} ${c.week_ending}`)
  .sort();
const rollingWeeks = made.filter((c) => c.recompute && c.tier === 'OTC').length;
printTable(
  `One revision (OTC ${revisedWeek}): ${rev.e.result.counts.published} week published, ${recomputed.length} recompute capture(s)`,
  ['case', 'wall', 'captures', 'ratio'],
  [
    [
      `sync after the revision (check ${WEEKS} weeks, publish 1, recompute what it touches)`,
      fmtMs(rev.ms),
      made.length,
      fmtRatio(rev.ms / fill.OTC.ms),
    ],
    [`baseline: full compute of the ${WEEKS} OTC weeks (the fill)`, fmtMs(fill.OTC.ms), WEEKS, '1.00x'],
  ],
);
console.log(`\nRecomputed: ${recomputed.join(', ') || 'none'}`);
console.log(
  `Same-tier rolling weeks recomputed: ${rollingWeeks} (target ≤ 6 rolling weeks plus the week's cross-tier calcs: ${verdict(rollingWeeks, 6)})`,
);
console.log(
  `Check per week-tier: ${fmtMs(check.ms / n)} (${fmtRatio(check.ms / bareMs)} the bare fetch); requests per week-tier: ${(check.requests / n).toFixed(2)}`,
);

spine.close();
await fake.close();
