// Issue 14: `spine export` of 1,000,000 rows of otc.venue_volume (one capture) to Parquet and CSV (JSON
// Lines for information), each in its own process, against a bare SELECT of the same rows in the same
// run: the exact statement the export streams, iterated without doing anything. Wall and CPU time as
// ratios to the bare SELECT, and peak RSS per process. Targets: Parquet <= 2x the bare SELECT, RSS < 300 MB.
// Usage: node bench/export/run.mjs [--rows N] [--runs N]
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  flushToDisk,
  fmtInt,
  fmtMb,
  fmtMs,
  fmtRatio,
  freshDb,
  median,
  msSince,
  nowNs,
  numberOption,
  printHeader,
  printTable,
  rng,
  runChild,
  tempDir,
  verdict,
} from '../lib/common.mjs';

const ROWS = numberOption('rows', 1_000_000);
const RUNS = numberOption('runs', 3);
const VENUES = 30;
const PER_SYMBOL = 10;
const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));
const CAPTURE = 'finra.otc_transparency:OTC:2025-12-12:bench1';
const CAPTURED_AT = '2025-12-15T12:00:00.000000+00:00';

printHeader(`bench/export: ${fmtInt(ROWS)} rows of otc.venue_volume to Parquet, CSV and JSON Lines`);
const dir = tempDir('export');
const dbPath = join(dir, 'export.db');

// One published capture of ROWS venue-volume rows shaped like FINRA's: 10 venues per symbol out of 30,
// lineage columns constant per capture, one share count above 2^53.
const t0 = nowNs();
const db = await freshDb(dbPath);
const random = rng(14);
db.prepare(
  `INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at, source_last_update_date, source,
     status, row_counts, content_hash, execution_id, batch_id, created_at, published_at)
   VALUES (?, 'finra.otc_transparency', '2025-12-12', 'OTC', ?, '2025-12-15', 'file', 'published', '{}', 'bench',
     'bench-execution', 'bench-batch', ?, ?)`,
).run(CAPTURE, CAPTURED_AT, CAPTURED_AT, CAPTURED_AT);
const insert = db.prepare(
  `INSERT INTO finra_otc_transparency_venue_volume (week_ending, tier, symbol, mpid, issue_name, venue_name,
     total_shares, total_trades, avg_trade_size, record_hash, source_last_update_date, normalized_at, execution_id,
     batch_id, captured_at, capture_id)
   VALUES ('2025-12-12', 'OTC', ?, ?, ?, ?, ?, ?, ?, ?, '2025-12-15', '2025-12-15T12:00:01.234Z',
     '3f6c2a9e-1b7d-4c55-9e0a-8d2f4b6c1a37', 'week_20251215T120000_bench', ?, ?)`,
);
db.transaction(() => {
  for (let r = 0; r < ROWS; r++) {
    const s = Math.floor(r / PER_SYMBOL);
    const mpid = `V${String((s + (r % PER_SYMBOL) * 3) % VENUES).padStart(3, '0')}`;
    const shares = r === 0 ? 9_007_199_254_740_993n : BigInt(1 + Math.floor(random() * 50_000_000));
    const trades = 1 + Math.floor(random() * 5_000);
    insert.run(
      `S${s.toString(36).toUpperCase().padStart(4, '0')}`,
      mpid,
      `Issuer ${s} Common Stock`,
      `${mpid} ALTERNATIVE TRADING SYSTEM`,
      shares,
      trades,
      Number(shares) / trades,
      Math.floor(random() * 2 ** 52)
        .toString(16)
        .padStart(16, '0') + r.toString(16).padStart(16, '0'),
      CAPTURED_AT,
      CAPTURE,
    );
  }
})();
db.close();
const buildMs = msSince(t0);
flushToDisk();
console.log(`database built in ${fmtMs(buildMs)}`);

const MODES = ['bare', 'parquet', 'csv', 'jsonl'];
const samples = Object.fromEntries(MODES.map((m) => [m, []]));
for (let i = 0; i < RUNS; i++) {
  for (const mode of MODES) {
    const out = join(dir, `out-${mode}`);
    const r = JSON.parse(runChild([CHILD, mode, dbPath, out]).stdout);
    if (r.rows !== ROWS) throw new Error(`${mode}: ${r.rows} rows, expected ${ROWS}`);
    samples[mode].push(r);
    rmSync(out, { recursive: true, force: true });
  }
}

printTable(
  'Every run (wall / CPU / peak RSS): the spread shows how much the shared machine moved the figures',
  ['run', ...MODES],
  samples.bare.map((_, i) => [
    String(i + 1),
    ...MODES.map((m) => {
      const s = samples[m][i];
      return `${fmtMs(s.ms)} / ${fmtMs(s.cpu_ms)} / ${fmtMb(s.max_rss_bytes)}`;
    }),
  ]),
);

const med = (mode, key) => median(samples[mode].map((s) => s[key]));
const peak = (mode) => Math.max(...samples[mode].map((s) => s.max_rss_bytes));
const bareMs = med('bare', 'ms');
const bareCpu = med('bare', 'cpu_ms');
printTable(
  `Median of ${RUNS} runs, each in its own process, interleaved (${fmtInt(ROWS)} rows, one capture)`,
  ['case', 'wall', 'wall / bare', 'CPU', 'CPU / bare', 'peak RSS', 'output', 'targets'],
  MODES.map((m) => [
    m === 'bare' ? 'bare SELECT (baseline)' : `export --format ${m}`,
    fmtMs(med(m, 'ms')),
    m === 'bare' ? '1.00x' : fmtRatio(med(m, 'ms') / bareMs),
    fmtMs(med(m, 'cpu_ms')),
    m === 'bare' ? '1.00x' : fmtRatio(med(m, 'cpu_ms') / bareCpu),
    fmtMb(peak(m)),
    m === 'bare' ? '-' : fmtMb(med(m, 'bytes')),
    m === 'parquet'
      ? `≤ 2x wall: ${verdict(med(m, 'ms') / bareMs, 2)}, CPU: ${verdict(med(m, 'cpu_ms') / bareCpu, 2)}; RSS < 300 MB: ${verdict(peak(m), 300 * 1024 * 1024 - 1)}`
      : m === 'csv'
        ? `RSS < 300 MB: ${verdict(peak(m), 300 * 1024 * 1024 - 1)}`
        : '-',
  ]),
);
