// bench/captures (issue 7):
//   gc    on the weeks × 3 tiers × 3 captures database of bench/query (scaled to the build budget, printed):
//         `captures.gc --keep 1` through the dispatcher (what `spine captures gc --keep 1` runs) vs a bare
//         DELETE of the same rows on an identical copy of the file; plus the plan alone (= --dry-run).
//   diff  two 1,000,000-row captures of finra_otc_transparency_venue_volume (a revision: ~1% changed,
//         0.5% removed, 0.5% added): diffCaptures vs bare SELECTs of the same rows.
// Target: diff of 1M rows under 5 s. Ratios are to the bare statements measured in the same run.
// Usage: npm run build && node bench/captures/run.mjs [--weeks 156] [--budget-s 60] [--diff-rows 1000000]
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BIN,
  dist,
  flushToDisk,
  fmtInt,
  fmtMs,
  fmtRatio,
  freshDb,
  median,
  msSince,
  nowNs,
  printHeader,
  printTable,
  rng,
  runChild,
  sample,
  tempDir,
  timeCommands,
  verdict,
  numberOption,
} from '../lib/common.mjs';
import { buildSummaryDb, DOMAIN, symbolPool } from '../lib/summary-db.mjs';
import { VENUES } from '../ingest/generate.mjs';

const opt = numberOption;
const DIFF_ROWS = opt('diff-rows', 1_000_000);

printHeader('bench/captures');
const dir = tempDir('captures');
const [{ createSpine }, { silentLogger }, { gcPlanFor }, { diffCaptures }, { describeExecution }, { openDatabase }] =
  await Promise.all([
    dist('app/spine.js'),
    dist('core/logging/logger.js'),
    dist('app/pipelines/captures-gc.js'),
    dist('domains/otc/captures/diff.js'),
    dist('core/execution/history.js'),
    dist('core/db/open-database.js'),
  ]);

// ------------------------------------------------------------------ gc
const gcPath = join(dir, 'gc.db');
const barePath = join(dir, 'gc-bare.db');
const gcDb = await freshDb(gcPath);
const builtInfo = await buildSummaryDb(gcDb, {
  weeks: opt('weeks', 156),
  budgetMs: opt('budget-s', 60) * 1000,
  log: console.log,
});
gcDb.close();
const scale = `${builtInfo.weeks.length} weeks × 3 tiers × 3 captures × ${fmtInt(builtInfo.symbols)} symbols = ${fmtInt(builtInfo.rows)} summary rows, ${fmtInt(builtInfo.captures.length)} captures`;
console.log(`built ${scale} in ${fmtMs(builtInfo.ms)}`);
if (builtInfo.scaledDown) {
  console.log(
    `SCALED DOWN: ${builtInfo.weeks.length} of ${builtInfo.weeksRequested} weeks fit the ${opt('budget-s', 60)} s build budget (pass --budget-s to build more)`,
  );
}
copyFileSync(gcPath, barePath);
console.log(`copied; flushed to disk (sync) in ${fmtMs(flushToDisk())}`);

const spine = createSpine({ dbPath: gcPath, log: silentLogger });
// The plan alone is what `--dry-run` prints.
let t0 = nowNs();
const plan = gcPlanFor(spine.db, { keep: 1 }, new Date());
const planMs = msSince(t0);
const victims = plan.candidates.map((c) => c.capture_id);
t0 = nowNs();
const exec = await spine.dispatcher.submit('captures.gc', { keep: 1 });
const gcMs = msSince(t0);
if (exec.status !== 'completed') throw new Error(`captures.gc ${exec.status}: ${exec.errorMessage}`);
const gcStages = describeExecution(spine.db, exec.id).stages;
const gcRows = spine.db.prepare('SELECT COUNT(*) AS n FROM finra_otc_transparency_symbol_summary').get().n;
spine.close();

const bare = openDatabase(barePath);
t0 = nowNs();
const bareDeleted = bare.transaction(
  () =>
    bare
      .prepare('DELETE FROM finra_otc_transparency_symbol_summary WHERE capture_id IN (SELECT value FROM json_each(?))')
      .run(JSON.stringify(victims)).changes,
)();
const bareMs = msSince(t0);
const bareLeft = bare.prepare('SELECT COUNT(*) AS n FROM finra_otc_transparency_symbol_summary').get().n;
bare.close();
if (bareLeft !== gcRows) throw new Error(`gc left ${gcRows} rows, the bare DELETE ${bareLeft}`);

printTable(
  `captures gc --keep 1 (${scale}; ${fmtInt(victims.length)} captures, ${fmtInt(bareDeleted)} rows deleted)`,
  ['measure', 'time', 'ratio to bare DELETE', 'note'],
  [
    ['bare DELETE … WHERE capture_id IN (…), 1 tx', fmtMs(bareMs), '1.00x', 'baseline'],
    [
      'captures.gc --keep 1 (dispatcher)',
      fmtMs(gcMs),
      fmtRatio(gcMs / bareMs),
      gcStages.map((s) => `${s.stage} ${fmtMs(s.duration_ms ?? NaN)}`).join(', '),
    ],
    [
      'plan only (= --dry-run)',
      fmtMs(planMs),
      fmtRatio(planMs / bareMs),
      `counts rows of ${victims.length} captures in 11 tables`,
    ],
  ],
);

// ------------------------------------------------------------------ diff
const diffPath = join(dir, 'diff.db');
const db = await freshDb(diffPath);
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.pragma('cache_size = -1000000');
const rand = rng(9);
const insCap =
  db.prepare(`INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at, status, execution_id, created_at)
  VALUES (?, ?, ?, 'OTC', ?, 'published', 'bench', ?)`);
const ins =
  db.prepare(`INSERT INTO finra_otc_transparency_venue_volume (week_ending, tier, symbol, mpid, issue_name, venue_name,
  total_shares, total_trades, avg_trade_size, record_hash, source_last_update_date, normalized_at, execution_id, batch_id,
  captured_at, capture_id) VALUES (?, 'OTC', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench', 'bench', ?, ?)`);

/** Two captures of one week: A with `rows` rows (≈10 venues per symbol), B a revision of it. */
function makePair(rows, week) {
  const capA = `${DOMAIN}:OTC:${week}:aaaaaa`;
  const capB = `${DOMAIN}:OTC:${week}:bbbbbb`;
  insCap.run(capA, DOMAIN, week, `${week}T10:00:00.000000+00:00`, `${week}T10:00:00.000Z`);
  insCap.run(capB, DOMAIN, week, `${week}T11:00:00.000000+00:00`, `${week}T11:00:00.000Z`);
  const symbols = symbolPool(Math.ceil(rows / 10), rows);
  const expect = { added: 0, removed: 0, changed: 0 };
  const rowsB = [];
  let n = 0;
  db.transaction(() => {
    for (let si = 0; si < symbols.length && n < rows; si++) {
      const sym = symbols[si];
      const start = Math.floor(rand() * VENUES.length);
      for (let v = 0; v < 10 && n < rows; v++, n++) {
        const [mpid, vname] = VENUES[(start + v * 3) % VENUES.length];
        const shares = 1 + Math.floor(Math.exp(8 + 2 * rand()));
        const trades = 1 + Math.floor(shares / 300);
        ins.run(
          week,
          sym,
          mpid,
          `${sym} Inc`,
          vname,
          shares,
          trades,
          shares / trades,
          `${si}-${v}`,
          week,
          week,
          week,
          capA,
        );
        const r = rand();
        if (r < 0.005) expect.removed++;
        else if (r < 0.015) {
          expect.changed++;
          rowsB.push([sym, mpid, vname, shares + 1 + Math.floor(rand() * 1000), trades + 1]);
        } else rowsB.push([sym, mpid, vname, shares, trades]);
        if (r > 0.995) {
          expect.added++;
          rowsB.push([sym, `N${String(v).padStart(3, '0')}`, 'NEW VENUE LLC', 1000, 3]); // a venue new in the revision
        }
      }
    }
    for (const [sym, mpid, vname, shares, trades] of rowsB) {
      ins.run(
        week,
        sym,
        mpid,
        `${sym} Inc`,
        vname,
        shares,
        trades,
        shares / trades,
        `b-${sym}-${mpid}`,
        week,
        week,
        week,
        capB,
      );
    }
  })();
  return { capA, capB, rowsA: n, rowsB: rowsB.length, expect };
}

t0 = nowNs();
const main = makePair(DIFF_ROWS, '2025-12-12');
const PROBES = [2_500, 5_000, 10_000];
const probes = PROBES.map((n, i) => ({
  n,
  ...makePair(n, `2025-11-${String(14 + 7 * (i % 3) - 7 * Math.floor(i / 3)).padStart(2, '0')}`),
}));
db.exec('ANALYZE');
db.pragma('cache_size = -65536');
db.pragma('synchronous = NORMAL');
db.pragma('journal_mode = WAL');
console.log(
  `\nbuilt 2 captures of venue_volume (${fmtInt(main.rowsA)} and ${fmtInt(main.rowsB)} rows) plus ${PROBES.length} small pairs in ${fmtMs(msSince(t0))}; flushed in ${fmtMs(flushToDisk())}`,
);

const sameSummary = (s, e) => s.added === e.added && s.removed === e.removed && s.changed === e.changed;
// Scaling probe: diffCaptures on small pairs, in process (the growth shows the plan's complexity).
const probeRows = probes.map((p) => {
  let r;
  const ms = sample(() => (r = diffCaptures(db, p.capA, p.capB, 'otc.venue_volume')), { runs: 1, warmup: 0 })[0];
  if (!sameSummary(r.summary, p.expect))
    throw new Error(`diff at ${p.n} rows: ${JSON.stringify(r.summary)} != expected ${JSON.stringify(p.expect)}`);
  return { n: p.n, ms };
});

// The 1M diff, in a child process bounded by a timeout, so a plan regression (a nested scan: O(rows²))
// shows up as a killed run plus the probe's extrapolation instead of a benchmark that never ends.
const TIMEOUT_S = opt('diff-timeout-s', 60);
const child = runChild([fileURLToPath(new URL('./diff-child.mjs', import.meta.url)), diffPath, main.capA, main.capB], {
  timeoutMs: TIMEOUT_S * 1000,
});
const mainDiff = child.timedOut ? null : JSON.parse(child.stdout.trim());
if (mainDiff && !sameSummary(mainDiff.summary, main.expect))
  throw new Error(`diff summary ${JSON.stringify(mainDiff.summary)} != ${JSON.stringify(main.expect)}`);

const sideSql =
  'SELECT symbol, mpid, total_shares, total_trades FROM finra_otc_transparency_venue_volume WHERE capture_id = ?';
const bareAll = db.prepare(sideSql);
const bareScan = db.prepare(
  `SELECT COUNT(*) AS n, SUM(total_shares) AS s, SUM(total_trades) AS t FROM finra_otc_transparency_venue_volume WHERE capture_id = ?`,
);
const runs = opt('runs', 3);
const allM = median(sample(() => [bareAll.all(main.capA).length, bareAll.all(main.capB).length], { runs, warmup: 1 }));
const scanM = median(sample(() => [bareScan.get(main.capA), bareScan.get(main.capB)], { runs, warmup: 1 }));
db.close();

const k = probeRows.at(-1);
const extrapolated = k.ms * (main.rowsA / k.n) ** 2;
const dm = mainDiff?.ms ?? NaN;
printTable(
  `diff of two captures of otc.venue_volume (${fmtInt(main.rowsA)} rows in A, ${fmtInt(main.rowsB)} in B: added ${fmtInt(main.expect.added)}, removed ${fmtInt(main.expect.removed)}, changed ${fmtInt(main.expect.changed)})`,
  ['measure', 'time', 'ratio to bare .all()', 'ratio to bare scan', 'target'],
  [
    ['bare SELECT of both captures, .all() into JS', fmtMs(allM), '1.00x', fmtRatio(allM / scanM), 'baseline'],
    ['bare SELECT COUNT/SUM of both captures (in SQLite)', fmtMs(scanM), fmtRatio(scanM / allM), '1.00x', 'baseline'],
    [
      'diffCaptures (spine captures diff)',
      mainDiff ? fmtMs(dm) : `> ${TIMEOUT_S} s (killed)`,
      mainDiff ? fmtRatio(dm / allM) : `> ${fmtRatio((TIMEOUT_S * 1000) / allM)}`,
      mainDiff ? fmtRatio(dm / scanM) : `> ${fmtRatio((TIMEOUT_S * 1000) / scanM)}`,
      `< 5 s: ${mainDiff ? verdict(dm, 5000) : 'MISSED'}`,
    ],
    ...(mainDiff
      ? []
      : [
          [
            '  extrapolated from the probe (× rows²)',
            fmtMs(extrapolated),
            fmtRatio(extrapolated / allM),
            fmtRatio(extrapolated / scanM),
            'estimate',
          ],
        ]),
  ],
);
printTable(
  'diffCaptures scaling probe (in process, one run each; linear growth = the FULL OUTER JOIN gets its automatic index)',
  ['rows per capture', 'diffCaptures', 'growth vs previous'],
  probeRows.map((p, i) => [
    fmtInt(p.n),
    fmtMs(p.ms),
    i === 0 ? '-' : `${fmtRatio(p.ms / probeRows[i - 1].ms)} for 2x rows`,
  ]),
);
// The CLI end to end (info): `spine captures diff` on the 1M pair vs the CLI's bare start-up.
{
  const env = { SPINE_DATABASE_PATH: diffPath, SPINE_LOG_LEVEL: 'warn' };
  const cs = timeCommands(
    [
      { name: 'v', args: [BIN, '--version'] },
      {
        name: 'diff',
        args: [BIN, 'captures', 'diff', main.capA, main.capB, '--dataset', 'otc.venue_volume', '--json'],
        timeoutMs: TIMEOUT_S * 1000,
      },
    ],
    { runs: 3, warmup: 1, env },
  );
  const v = median(cs.v);
  const d = median(cs.diff);
  const r = { timedOut: !Number.isFinite(d), ms: d };
  printTable(
    'CLI end to end, median of 3 runs after 1 warm-up (info)',
    ['command', 'time', 'ratio to spine --version'],
    [
      ['spine --version', fmtMs(v), '1.00x'],
      [
        'spine captures diff A B --dataset otc.venue_volume --json',
        r.timedOut ? `> ${TIMEOUT_S} s (killed)` : fmtMs(r.ms),
        r.timedOut ? '-' : fmtRatio(r.ms / v),
      ],
    ],
  );
}
console.log(
  `scale: ${scale}${builtInfo.scaledDown ? ' (SCALED DOWN)' : ''}; diff ${fmtInt(main.rowsA)} rows per capture`,
);
