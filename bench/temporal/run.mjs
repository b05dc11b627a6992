// bench/temporal (issues 5 and 12): what the background lane costs, as a user sees it.
//   week      `spine run finra.otc_transparency.week --file <5,328-row sample> --force` (sync) against the
//             same with `--async --wait` (Temporal: start, worker runs the stages, CLI follows SQLite),
//             interleaved. Per run: wall time of the whole CLI process, wall time of the run itself (the
//             execution row's created_at → completed_at: claim, start, every stage, the lifecycle writes),
//             CPU of the CLI process, and CPU of the worker and the server during the run (from /proc).
//             Issue 12 target: async ≤ 1.15x sync (whole process).
//   floor     in the same loop: `node -e 0` and a process that only imports @temporalio/client and connects
//             to the server (what any `--async` process pays before it can start a workflow).
//   backfill  `finra.otc_transparency.backfill_range` over 26 weeks (child workflows, 4 in flight, 2 activity
//             slots) against the same weeks on the sync backend; `--backfill-runs` each, alternating which
//             goes first. Issue 12 target: ≤ 1.1x sync.
// The dev stack (server + one worker) is started by the project's own `dev up` code on free ports, headless,
// in a temp directory, and stopped at the end. Ratios are printed, never asserted.
// Usage: npm run build && node bench/temporal/run.mjs [--runs 5] [--warmup 1] [--weeks 26] [--backfill-runs 1] [--skip-backfill]
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  BIN,
  ROOT,
  dist,
  fmtMs,
  fmtRatio,
  median,
  printHeader,
  printTable,
  quantile,
  runChild,
  tempDir,
  verdict,
} from '../lib/common.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 5);
const WARMUP = arg('warmup', 1);
const WEEKS = arg('weeks', 26);
const BACKFILL_RUNS = arg('backfill-runs', 1);
const SKIP_BACKFILL = process.argv.includes('--skip-backfill');
const SAMPLE = join(ROOT, 'data', 'samples', 'finra_otc_weekly_otc_20251215.csv');
const WEEK_TARGET = 1.15;
const BACKFILL_TARGET = 1.1;

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** CPU ms of a process (utime + stime), or of this process's waited-for children (`children: true`). */
const TICK_MS = 10; // USER_HZ = 100 on Linux
function cpuMs(pid, { children = false } = {}) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    const [u, s] = children ? [f[13], f[14]] : [f[11], f[12]];
    return (Number(u) + Number(s)) * TICK_MS;
  } catch {
    return NaN;
  }
}
const load1 = () => loadavg()[0].toFixed(1);

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
const t0 = Date.now();
const { state } = await devUp({
  config: parseDevStackConfig(readFileSync(configPath, 'utf8'), configPath),
  stateDir,
  databasePath: asyncDb,
  env: { ...process.env, ...env },
});
const stackPids = [state.server.pid, state.worker.pid];
console.log(
  `dev stack up in ${fmtMs(Date.now() - t0)}: server ${state.server.address}, worker pid ${state.worker.pid} (${state.worker.concurrency} activity slots)`,
);

/** One CLI process: its wall time, the run's own wall time (SQLite), its CPU, and the stack's CPU meanwhile. */
function spine(db, args) {
  const stackBefore = stackPids.map((p) => cpuMs(p));
  const cliBefore = cpuMs(process.pid, { children: true });
  const r = runChild([BIN, ...args, '--json'], { env: { ...env, SPINE_DATABASE_PATH: db } });
  const cli = cpuMs(process.pid, { children: true }) - cliBefore;
  const stack = stackPids.map((p, i) => cpuMs(p) - stackBefore[i]).reduce((a, b) => a + b, 0);
  const rec = JSON.parse(r.stdout);
  if (rec.status !== 'completed') throw new Error(`run ${rec.id} ended ${rec.status}: ${rec.errorMessage}`);
  const run = Date.parse(rec.completedAt) - Date.parse(rec.createdAt);
  return { ms: r.ms, run, cli, stack, total: cli + stack };
}

/** A bare process, timed the same way (wall and CPU). */
function bare(args) {
  const before = cpuMs(process.pid, { children: true });
  const r = runChild(args, { env: { SPINE_LOG_LEVEL: 'warn' } });
  return { ms: r.ms, cli: cpuMs(process.pid, { children: true }) - before };
}

const clientFloor = `import('@temporalio/client').then(async ({ Connection }) => { const c = await Connection.connect({ address: '${state.server.address}' }); await c.close(); })`;

try {
  const syncDb = join(dir, 'sync.db');
  const week = ['run', 'finra.otc_transparency.week', '--file', SAMPLE, '--force'];
  const samples = { sync: [], async: [], node: [], client: [] };
  const loads = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const s = spine(syncDb, week);
    const a = spine(asyncDb, [...week, '--async', '--wait']);
    const n = bare(['-e', '0']);
    const c = bare(['-e', clientFloor]);
    if (i >= WARMUP) {
      samples.sync.push(s);
      samples.async.push(a);
      samples.node.push(n);
      samples.client.push(c);
      loads.push(load1());
    }
  }
  const med = (list, key) => median(list.map((x) => x[key]));
  const m = Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [
      k,
      { ms: med(v, 'ms'), run: med(v, 'run'), cli: med(v, 'cli'), stack: med(v, 'stack'), total: med(v, 'total') },
    ]),
  );
  printTable(
    `week pipeline, 5,328 rows: ${RUNS} runs after ${WARMUP} warm-up, interleaved (load at each run: ${loads.join(', ')}); medians`,
    ['mode', 'process wall', 'p90', 'min', 'run (SQLite)', 'CPU: CLI', 'CPU: worker + server', 'CPU: total'],
    [
      ['spine run (sync)', samples.sync, m.sync],
      ['spine run --async --wait', samples.async, m.async],
    ].map(([name, s, x]) => [
      name,
      fmtMs(x.ms),
      fmtMs(
        quantile(
          s.map((v) => v.ms),
          0.9,
        ),
      ),
      fmtMs(Math.min(...s.map((v) => v.ms))),
      fmtMs(x.run),
      fmtMs(x.cli),
      fmtMs(x.stack),
      fmtMs(x.total),
    ]),
  );
  const ratio = m.async.ms / m.sync.ms;
  printTable(
    'ratios async / sync (medians of the same interleaved runs)',
    ['measure', 'sync', 'async', 'ratio', 'target'],
    [
      [
        'process wall',
        fmtMs(m.sync.ms),
        fmtMs(m.async.ms),
        fmtRatio(ratio),
        `≤ ${WEEK_TARGET}x: ${verdict(ratio, WEEK_TARGET)}`,
      ],
      [
        'run wall (created → completed)',
        fmtMs(m.sync.run),
        fmtMs(m.async.run),
        fmtRatio(m.async.run / m.sync.run),
        'info',
      ],
      ['CPU, all processes', fmtMs(m.sync.total), fmtMs(m.async.total), fmtRatio(m.async.total / m.sync.total), 'info'],
    ],
  );
  const clientCost = m.client.ms - m.node.ms;
  printTable(
    'floor: what any --async process pays before it can start a workflow (same loop)',
    ['process', 'wall', 'CPU', 'wall - node -e 0', 'as a share of the sync week'],
    [
      ['node -e 0', fmtMs(m.node.ms), fmtMs(m.node.cli), '-', '-'],
      [
        "import('@temporalio/client') + Connection.connect + close",
        fmtMs(m.client.ms),
        fmtMs(m.client.cli),
        fmtMs(clientCost),
        fmtRatio(clientCost / m.sync.ms),
      ],
    ],
  );
  console.log(
    `\nweek: async/sync ${fmtRatio(ratio)} (+${fmtMs(m.async.ms - m.sync.ms)}); the Temporal client library and its connection alone are +${fmtRatio(clientCost / m.sync.ms)} of the sync run, so the lowest ratio any --async process can reach here is ${fmtRatio(1 + clientCost / m.sync.ms)}`,
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
    const bf = { sync: [], async: [] };
    const bfLoads = [];
    for (let i = 0; i < BACKFILL_RUNS; i++) {
      // Same history in both databases (the week runs above); alternate which lane goes first.
      const order = i % 2 === 0 ? ['sync', 'async'] : ['async', 'sync'];
      for (const lane of order) {
        bf[lane].push(lane === 'sync' ? spine(syncDb, backfill) : spine(asyncDb, [...backfill, '--async', '--wait']));
      }
      bfLoads.push(load1());
    }
    const b = Object.fromEntries(
      Object.entries(bf).map(([k, v]) => [k, { ms: med(v, 'ms'), run: med(v, 'run'), total: med(v, 'total') }]),
    );
    printTable(
      `backfill_range, ${WEEKS} weeks × 5,328 rows: ${BACKFILL_RUNS} run(s) each (load after each pair: ${bfLoads.join(', ')}); medians`,
      ['mode', 'process wall', 'per week', 'run (SQLite)', 'CPU: total'],
      [
        ['sync backend (children in sequence)', b.sync],
        [
          `child workflows (${DEFAULT_CHILD_CONCURRENCY} in flight, ${state.worker.concurrency} activity slots)`,
          b.async,
        ],
      ].map(([name, x]) => [name, fmtMs(x.ms), fmtMs(x.ms / WEEKS), fmtMs(x.run), fmtMs(x.total)]),
    );
    const bratio = b.async.ms / b.sync.ms;
    console.log(
      `\nbackfill: temporal/sync ${fmtRatio(bratio)} process wall (≤ ${BACKFILL_TARGET}x: ${verdict(bratio, BACKFILL_TARGET)}) · run wall ${fmtRatio(b.async.run / b.sync.run)} · CPU ${fmtRatio(b.async.total / b.sync.total)}`,
    );
  }
} finally {
  await devDown(stateDir);
}
