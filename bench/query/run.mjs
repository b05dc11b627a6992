// bench/query (issue 6): a database of 156 weeks × 3 tiers × 3 captures with ~10,000 symbols per week and
// tier in finra_otc_transparency_symbol_summary (~14M rows; scaled down to what fits the build budget,
// printed). Then, for a week in the middle of the history:
//   queryDataset(otc.summary, week W, tier OTC, as-of latest | as-of an instant between revisions 1 and 2)
//   p50 in process vs a bare SELECT of the same capture's rows (same ORDER BY);
//   `spine query otc.summary --week W --tier OTC --as-of latest --json` end to end vs `spine --version`.
// Targets: p50 < 20 ms in process; the CLI command < 3x the CLI's bare start-up.
// Usage: npm run build && node bench/query/run.mjs [--weeks 156] [--symbols 10000] [--budget-s 180] [--runs 50]
import { join } from 'node:path';
import {
  BIN,
  dist,
  flushToDisk,
  fmtInt,
  fmtMs,
  fmtRatio,
  freshDb,
  median,
  printHeader,
  printTable,
  quantile,
  sampleInterleaved,
  timeCommands,
  tempDir,
  verdict,
  numberOption,
} from '../lib/common.mjs';
import { buildSummaryDb, capturedAtDate } from '../lib/summary-db.mjs';

const opt = numberOption;
const RUNS = opt('runs', 50);
const CLI_RUNS = opt('cli-runs', 10);

printHeader('bench/query');
const dir = tempDir('query');
const dbPath = join(dir, 'query.db');
const db = await freshDb(dbPath);
const built = await buildSummaryDb(db, {
  weeks: opt('weeks', 156),
  symbols: opt('symbols', 10_000),
  budgetMs: opt('budget-s', 180) * 1000,
  log: console.log,
});
const scale = `${built.weeks.length} weeks × 3 tiers × ${built.capturesPer} captures × ${fmtInt(built.symbols)} symbols = ${fmtInt(built.rows)} summary rows`;
console.log(`built ${scale} in ${fmtMs(built.ms)} (${fmtInt(built.rows / (built.ms / 1000))} rows/s)`);
console.log(
  `flushed to disk (sync) in ${fmtMs(flushToDisk())}, so the timings below do not share the disk with writeback`,
);
if (built.scaledDown) {
  console.log(
    `SCALED DOWN: the ${built.weeksRequested}-week build did not fit the ${opt('budget-s', 180)} s budget; ${built.weeks.length} weeks used (pass --budget-s to build more)`,
  );
}

const { queryDataset } = await dist('domains/otc/query/query-service.js');
const { parseAsOf } = await dist('core/query/point-in-time.js');
const W = built.weeks[Math.floor(built.weeks.length / 2)];
const TIER = 'OTC';
const cap = (k) => built.captures.find((c) => c.week === W && c.tier === TIER && c.k === k);
const latest = cap(built.capturesPer - 1);
// An instant between revision 1 and revision 2: the answer is revision 1.
const instant = new Date(capturedAtDate(W, 1).getTime() + 3 * 86_400_000).toISOString();
const asOfCap = cap(Math.min(1, built.capturesPer - 1));

const bare = db.prepare(
  'SELECT * FROM finra_otc_transparency_symbol_summary WHERE capture_id = ? ORDER BY total_volume DESC',
);
// Where the floor is: the same rows unordered, only the data columns, and counted inside SQLite.
const bareNoOrder = db.prepare('SELECT * FROM finra_otc_transparency_symbol_summary WHERE capture_id = ?');
const bareData =
  db.prepare(`SELECT week_ending, tier, symbol, issue_name, total_volume, total_trades, venue_count, avg_trade_size
  FROM finra_otc_transparency_symbol_summary WHERE capture_id = ? ORDER BY total_volume DESC`);
const bareSql = db.prepare(
  'SELECT COUNT(*), SUM(total_volume), MAX(issue_name) FROM finra_otc_transparency_symbol_summary WHERE capture_id = ?',
);
const check = (r, c) => {
  if (r.captures[0]?.capture_id !== c.capture_id || r.count !== built.symbols) {
    throw new Error(`unexpected answer: ${r.captures[0]?.capture_id} (${r.count} rows), expected ${c.capture_id}`);
  }
};
check(queryDataset(db, { dataset: 'otc.summary', weeks: [W], tier: TIER, asOf: parseAsOf('latest') }), latest);
check(queryDataset(db, { dataset: 'otc.summary', weeks: [W], tier: TIER, asOf: parseAsOf(instant) }), asOfCap);
const plan = db
  .prepare(
    `EXPLAIN QUERY PLAN SELECT t.* FROM finra_otc_transparency_symbol_summary t WHERE t.capture_id IN (?) ORDER BY t.total_volume DESC`,
  )
  .all(latest.capture_id)
  .map((r) => r.detail)
  .join('; ');
console.log(
  `week ${W}, tier ${TIER}: latest = ${latest.capture_id}; as-of ${instant} = ${asOfCap.capture_id}; plan: ${plan}`,
);

const s = sampleInterleaved(
  {
    latest: () => queryDataset(db, { dataset: 'otc.summary', weeks: [W], tier: TIER, asOf: parseAsOf('latest') }),
    bareLatest: () => bare.all(latest.capture_id),
    instant: () => queryDataset(db, { dataset: 'otc.summary', weeks: [W], tier: TIER, asOf: parseAsOf(instant) }),
    bareInstant: () => bare.all(asOfCap.capture_id),
    top20: () =>
      queryDataset(db, { dataset: 'otc.summary', weeks: [W], tier: TIER, asOf: parseAsOf('latest'), top: 20 }),
    bareNoOrder: () => bareNoOrder.all(latest.capture_id),
    bareData: () => bareData.all(latest.capture_id),
    bareSql: () => bareSql.get(latest.capture_id),
  },
  { runs: RUNS, warmup: 3 },
);
db.close();
const p50 = (k) => median(s[k]);
printTable(
  `in process, ${RUNS} runs interleaved (${fmtInt(built.symbols)} rows returned per query, ordered by total_volume DESC)`,
  ['measure', 'p50', 'p95', 'bare SELECT p50', 'ratio', 'target'],
  [
    [
      'queryDataset as-of latest',
      fmtMs(p50('latest')),
      fmtMs(quantile(s.latest, 0.95)),
      fmtMs(p50('bareLatest')),
      fmtRatio(p50('latest') / p50('bareLatest')),
      `< 20 ms: ${verdict(p50('latest'), 20)}`,
    ],
    [
      'queryDataset as-of <instant>',
      fmtMs(p50('instant')),
      fmtMs(quantile(s.instant, 0.95)),
      fmtMs(p50('bareInstant')),
      fmtRatio(p50('instant') / p50('bareInstant')),
      `< 20 ms: ${verdict(p50('instant'), 20)}`,
    ],
    ['queryDataset as-of latest --top 20', fmtMs(p50('top20')), fmtMs(quantile(s.top20, 0.95)), '-', '-', 'info'],
    [
      'info: bare SELECT * without ORDER BY',
      fmtMs(p50('bareNoOrder')),
      fmtMs(quantile(s.bareNoOrder, 0.95)),
      '-',
      '-',
      'info',
    ],
    [
      'info: bare SELECT of the 8 data columns (no lineage)',
      fmtMs(p50('bareData')),
      fmtMs(quantile(s.bareData, 0.95)),
      '-',
      '-',
      'info',
    ],
    [
      'info: the same rows read inside SQLite (COUNT/SUM)',
      fmtMs(p50('bareSql')),
      fmtMs(quantile(s.bareSql, 0.95)),
      '-',
      '-',
      'info',
    ],
  ],
);

const env = { SPINE_DATABASE_PATH: dbPath, SPINE_LOG_LEVEL: 'warn' };
const q = (asOf) => [BIN, 'query', 'otc.summary', '--week', W, '--tier', TIER, '--as-of', asOf, '--json'];
const cli = {
  'spine --version': [BIN, '--version'],
  'node -e 0 (info)': ['-e', '0'],
  'spine query … --as-of latest --json': q('latest'),
  'spine query … --as-of <instant> --json': q(instant),
  'spine query … --as-of latest --top 20': [
    BIN,
    'query',
    'otc.summary',
    '--week',
    W,
    '--tier',
    TIER,
    '--as-of',
    'latest',
    '--top',
    '20',
  ],
};
const cs = timeCommands(
  Object.entries(cli).map(([name, args]) => ({ name, args })),
  { runs: CLI_RUNS, warmup: 2, env },
);
const base = median(cs['spine --version']);
printTable(
  `CLI end to end, median of ${CLI_RUNS} runs after 2 warm-ups, interleaved`,
  ['command', 'median', 'ratio to spine --version', 'target'],
  Object.entries(cs).map(([k, x], i) => [
    k,
    fmtMs(median(x)),
    fmtRatio(median(x) / base),
    i === 0
      ? 'baseline'
      : k.startsWith('spine query … --as-of') && k.endsWith('--json')
        ? `< 3x: ${verdict(median(x) / base, 3)}`
        : 'info',
  ]),
);
console.log(`scale: ${scale}${built.scaledDown ? ' (SCALED DOWN)' : ''}`);
