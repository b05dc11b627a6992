// bench/ingest (issue 3): a synthetic FINRA week of 1,000,000 rows (100k symbols, 30 venues), then
//   parse only      readOtcFile over the file, counting records (where the time goes)
//   baseline        the same rows, pre-parsed in memory, through a bare better-sqlite3 prepared INSERT
//                   (RawWriter's exact statement) into finra_otc_transparency_raw, one transaction
//   ingest_week     finra.otc_transparency.ingest_week through the dispatcher (child process, fresh DB)
//   week            finra.otc_transparency.week, the full pipeline (child process, fresh DB)
// Targets: ingest ≤ 1.3x baseline, week ≤ 4x baseline, peak RSS < 1 GB.
// Usage: npm run build && node bench/ingest/run.mjs [--rows 1000000] [--symbols 100000] [--skip-week]
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  dist,
  fmtInt,
  fmtMb,
  fmtMs,
  fmtRatio,
  freshDb,
  msSince,
  nowNs,
  printHeader,
  printTable,
  runChild,
  tempDir,
  verdict,
  numberOption,
} from '../lib/common.mjs';
import { generateFinraWeek } from './generate.mjs';

const opt = numberOption;
const ROWS = opt('rows', 1_000_000);
const SYMBOLS = opt('symbols', Math.min(100_000, Math.floor(ROWS / 10)));
const SKIP_WEEK = process.argv.includes('--skip-week');
const GB = 1024 ** 3;
const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));

printHeader('bench/ingest');
const dir = tempDir('ingest');

let t0 = nowNs();
const { path: file, rows } = await generateFinraWeek(dir, { rows: ROWS, symbols: SYMBOLS });
console.log(`generated ${fmtInt(rows)} rows, ${fmtInt(SYMBOLS)} symbols, 30 venues in ${fmtMs(msSince(t0))}: ${file}`);

const { readOtcFile } = await dist('domains/otc/parse/read-otc-file.js');

// Parse only: the streaming reader alone, records counted and dropped.
const cpuMs = (c0) => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
};
let c0 = process.cpuUsage();
t0 = nowNs();
let parsed = 0;
for await (const b of readOtcFile(file, { fileName: 'bench.csv' })) parsed += b.records.length;
const parseMs = msSince(t0);
const parseCpu = cpuMs(c0);
if (parsed !== rows) throw new Error(`parser returned ${parsed} records for ${rows} rows`);

// Baseline: pre-parse into memory (untimed), then one transaction of RawWriter's INSERT.
const records = [];
for await (const b of readOtcFile(file, { fileName: 'bench.csv' })) for (const r of b.records) records.push(r);
const baseDbPath = join(dir, 'baseline.db');
const db = await freshDb(baseDbPath);
const insert = db.prepare(
  `INSERT INTO finra_otc_transparency_raw (record_hash, week_ending, tier, tier_text, symbol, issue_name, venue_name, mpid,
     total_shares, total_trades, source_last_update_date, source_file, source_line, ingested_at, execution_id,
     batch_id, captured_at, capture_id)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const c = {
  week: '2025-12-12',
  tier: 'OTC',
  file,
  at: '2025-12-16T10:00:00.000000+00:00',
  exec: '00000000-0000-4000-8000-000000000000',
  batch: 'ingest_week_20251216T100000_bench000',
  capture: 'finra.otc_transparency:OTC:2025-12-12:bench0',
};
// The values RawWriter binds for a record, in its column order (kept bare here: this is the baseline).
const rowValues = (r) => [
  r.recordHash,
  c.week,
  c.tier,
  r.tierText,
  r.symbol,
  r.issueName,
  r.venueName,
  r.mpid,
  r.totalShares,
  r.totalTrades,
  r.sourceLastUpdateDate,
  c.file,
  r.line,
  c.at,
  c.exec,
  c.batch,
  c.at,
  c.capture,
];
const insertAll = (from, to) => {
  for (let i = from; i < to; i++) insert.run(rowValues(records[i]));
};
c0 = process.cpuUsage();
t0 = nowNs();
db.transaction(() => insertAll(0, records.length))();
const baseMs = msSince(t0);
const baseCpu = cpuMs(c0);
db.close();
const dropDb = (p) => ['', '-wal', '-shm'].forEach((ext) => rmSync(`${p}${ext}`, { force: true }));
dropDb(baseDbPath);

// Diagnostic: the same bare INSERT committed every 5,000 rows, the ingest's transaction size.
const batchedPath = join(dir, 'batched.db');
const db2 = await freshDb(batchedPath);
const insert2 = db2.prepare(insert.source);
const insertAll2 = db2.transaction((from, to) => {
  for (let i = from; i < to; i++) insert2.run(rowValues(records[i]));
});
c0 = process.cpuUsage();
t0 = nowNs();
for (let i = 0; i < records.length; i += 5000) insertAll2(i, Math.min(records.length, i + 5000));
const batchedMs = msSince(t0);
const batchedCpu = cpuMs(c0);
db2.close();
dropDb(batchedPath);
records.length = 0;

const child = (pipeline) => {
  const dbPath = join(dir, `${pipeline.split('.').at(-1)}.db`);
  const r = runChild([CHILD, pipeline, dbPath, file]);
  for (const ext of ['', '-wal', '-shm']) rmSync(`${dbPath}${ext}`, { force: true });
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
  if (out.status !== 'completed') throw new Error(`${pipeline} ${out.status}: ${out.error}`);
  return out;
};
const ingest = child('finra.otc_transparency.ingest_week');
const week = SKIP_WEEK ? null : child('finra.otc_transparency.week');

const rate = (ms) => `${fmtInt(rows / (ms / 1000))}/s`;
const cpuOf = (o) => o.user_cpu_ms + o.system_cpu_ms;
printTable(
  `${fmtInt(rows)} rows. Wall times include waiting for a busy CPU; CPU = user+system time of the measured span`,
  ['measure', 'wall', 'rows/s', 'ratio (wall)', 'CPU', 'ratio (CPU)', 'peak RSS', 'target (on wall ratio)'],
  [
    [
      'parse only (readOtcFile)',
      fmtMs(parseMs),
      rate(parseMs),
      fmtRatio(parseMs / baseMs),
      fmtMs(parseCpu),
      fmtRatio(parseCpu / baseCpu),
      '-',
      'info',
    ],
    [
      'baseline: bare prepared INSERT, 1 tx',
      fmtMs(baseMs),
      rate(baseMs),
      '1.00x',
      fmtMs(baseCpu),
      '1.00x',
      '-',
      'baseline',
    ],
    [
      'bare INSERT, 1 tx per 5,000 rows',
      fmtMs(batchedMs),
      rate(batchedMs),
      fmtRatio(batchedMs / baseMs),
      fmtMs(batchedCpu),
      fmtRatio(batchedCpu / baseCpu),
      '-',
      'info',
    ],
    [
      'ingest_week (dispatcher)',
      fmtMs(ingest.ms),
      rate(ingest.ms),
      fmtRatio(ingest.ms / baseMs),
      fmtMs(cpuOf(ingest)),
      fmtRatio(cpuOf(ingest) / baseCpu),
      fmtMb(ingest.max_rss_bytes),
      `≤ 1.3x: ${verdict(ingest.ms / baseMs, 1.3)}; RSS < 1 GB: ${verdict(ingest.max_rss_bytes, GB)}`,
    ],
    ...(week
      ? [
          [
            'week pipeline (dispatcher)',
            fmtMs(week.ms),
            rate(week.ms),
            fmtRatio(week.ms / baseMs),
            fmtMs(cpuOf(week)),
            fmtRatio(cpuOf(week) / baseCpu),
            fmtMb(week.max_rss_bytes),
            `≤ 4x: ${verdict(week.ms / baseMs, 4)}; RSS < 1 GB: ${verdict(week.max_rss_bytes, GB)}`,
          ],
        ]
      : []),
  ],
);
if (week) {
  printTable(
    'week pipeline by stage (from its execution events)',
    ['stage', 'wall', 'ratio (wall)', 'CPU (±50 ms)', 'ratio (CPU)', 'rows out', 'peak RSS during stage'],
    week.stages.map((s) => [
      s.stage,
      fmtMs(s.ms ?? NaN),
      fmtRatio((s.ms ?? NaN) / baseMs),
      fmtMs(s.cpu_ms ?? NaN),
      fmtRatio((s.cpu_ms ?? NaN) / baseCpu),
      s.rows_out === null ? '-' : fmtInt(s.rows_out),
      s.peak_rss_bytes ? fmtMb(s.peak_rss_bytes) : '-',
    ]),
  );
}
