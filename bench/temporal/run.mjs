// bench/temporal (issue 5): what the background lane costs, as a user sees it.
//   week      `spine run finra.otc_transparency.week --file <5,328-row sample> --force` (sync) against the
//             same with `--async --wait` (Temporal: start, worker runs the stages, CLI follows SQLite),
//             interleaved; medians, ratio and absolute overhead.
//   backfill  `finra.otc_transparency.backfill_range` over 26 weeks (child workflows, 4 in flight, 2 activity slots)
//             against the same weeks on the sync backend; one run each, ratio (issue target: within 1.5x).
// The dev stack (server + one worker) is started by the project's own `dev up` code on free ports, headless,
// in a temp directory, and stopped at the end. Ratios are printed, never asserted.
// Usage: npm run build && node bench/temporal/run.mjs [--runs 5] [--warmup 1] [--weeks 26] [--skip-backfill]
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  BIN,
  ROOT,
  dist,
  fmtMs,
  fmtRatio,
  median,
  msSince,
  nowNs,
  printHeader,
  printTable,
  quantile,
  runChild,
  tempDir,
} from '../lib/common.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 5);
const WARMUP = arg('warmup', 1);
const WEEKS = arg('weeks', 26);
const SKIP_BACKFILL = process.argv.includes('--skip-backfill');
const SAMPLE = join(ROOT, 'data', 'samples', 'finra_otc_weekly_otc_20251215.csv');

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

printHeader('bench/temporal');
const dir = tempDir('temporal');
const [{ parseDevStackConfig }, { devUp, devDown }, { DEFAULT_CHILD_CONCURRENCY }] = await Promise.all([
  dist('backends/temporal/dev-stack/config.js'),
  dist('backends/temporal/dev-stack/supervisor.js'),
  dist('contracts/temporal/run-pipeline.js'),
]);
const configPath = join(dir, 'temporal-dev.yml');
const shipped = readFileSync(join(ROOT, 'temporal-dev.yml'), 'utf8');
writeFileSync(
  configPath,
  shipped.replace(/port: 7233/, `port: ${await freePort()}`).replace(/uiPort: 8233.*/, 'uiPort: null'),
);
const stateDir = join(dir, '.data');
const asyncDb = join(dir, 'async.db');
const env = { SPINE_LOG_LEVEL: 'warn', SPINE_DEV_DIR: stateDir };
for (const k of Object.keys(process.env)) if (k.startsWith('SPINE_') && !(k in env)) delete process.env[k];

// Migrate the worker's database before the worker opens it (as `spine dev up` does).
runChild([BIN, 'db', 'migrate'], { env: { ...env, SPINE_DATABASE_PATH: asyncDb } });
const t0 = nowNs();
const { state } = await devUp({
  config: parseDevStackConfig(readFileSync(configPath, 'utf8'), configPath),
  stateDir,
  databasePath: asyncDb,
  env: { ...process.env, ...env },
});
console.log(
  `dev stack up in ${fmtMs(msSince(t0))}: server ${state.server.address}, worker pid ${state.worker.pid} (${state.worker.concurrency} activity slots)`,
);

const spine = (db, args) => runChild([BIN, ...args], { env: { ...env, SPINE_DATABASE_PATH: db } });
try {
  const syncDb = join(dir, 'sync.db');
  const week = ['run', 'finra.otc_transparency.week', '--file', SAMPLE, '--force'];
  const samples = { sync: [], async: [] };
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const s = spine(syncDb, week).ms;
    const a = spine(asyncDb, [...week, '--async', '--wait']).ms;
    if (i >= WARMUP) {
      samples.sync.push(s);
      samples.async.push(a);
    }
  }
  const ms = { sync: median(samples.sync), async: median(samples.async) };
  printTable(
    `week pipeline, 5,328 rows: ${RUNS} runs after ${WARMUP} warm-up, interleaved; wall time of the whole CLI process`,
    ['mode', 'median', 'p90', 'min'],
    Object.entries(samples).map(([name, s]) => [
      name === 'sync' ? 'spine run (sync)' : 'spine run --async --wait',
      fmtMs(median(s)),
      fmtMs(quantile(s, 0.9)),
      fmtMs(Math.min(...s)),
    ]),
  );
  console.log(
    `\nratio async/sync: ${fmtRatio(ms.async / ms.sync)} · absolute overhead: ${fmtMs(ms.async - ms.sync)} per run`,
  );

  if (!SKIP_BACKFILL) {
    // WEEKS weekly files cut from the sample: same rows, each with its own publication date.
    const files = join(dir, 'weeks');
    mkdirSync(files);
    const text = readFileSync(SAMPLE, 'utf8');
    const last = Date.UTC(2025, 11, 12); // Friday 2025-12-12, the sample's week
    const fridays = Array.from({ length: WEEKS }, (_, i) => new Date(last - (WEEKS - 1 - i) * 7 * 86_400_000));
    for (const friday of fridays) {
      const pub = new Date(friday.getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
      const name = `finra_otc_weekly_otc_${pub.replaceAll('-', '')}.csv`;
      if (pub === '2025-12-15') copyFileSync(SAMPLE, join(files, name));
      else writeFileSync(join(files, name), text.replaceAll('|2025-12-15\n', `|${pub}\n`));
    }
    const from = fridays[0].toISOString().slice(0, 10);
    const to = fridays.at(-1).toISOString().slice(0, 10);
    const backfill = [
      'run',
      'finra.otc_transparency.backfill_range',
      '--tier',
      'otc',
      `source_dir=${files}`,
      '--from',
      from,
      '--to',
      to,
      '--force',
    ];
    const sync = spine(syncDb, backfill).ms; // same history as the worker's database: the week runs above
    const bg = spine(asyncDb, [...backfill, '--async', '--wait']).ms;
    printTable(
      `backfill_range, ${WEEKS} weeks × 5,328 rows: one run each`,
      ['mode', 'wall time', 'per week'],
      [
        ['sync backend (children in sequence)', fmtMs(sync), fmtMs(sync / WEEKS)],
        [
          `child workflows (${DEFAULT_CHILD_CONCURRENCY} in flight, ${state.worker.concurrency} activity slots)`,
          fmtMs(bg),
          fmtMs(bg / WEEKS),
        ],
      ],
    );
    console.log(`\nratio temporal/sync: ${fmtRatio(bg / sync)} (issue target: within 1.5x)`);
  }
} finally {
  await devDown(stateDir);
}
