// bench/reference (issue 12): the Python reference's Basic chain against Market Spine on the same files.
//   reference   ingest_week → normalize_week → aggregate_week → compute_venue_share (its four pipelines)
//   ours chain  the same four pipelines through our dispatcher
//   ours week   finra.otc_transparency.week, all eight stages (the last, recompute, finds nothing stale on a first capture)
// Each run is its own process on a fresh database; the three are interleaved, ≥ 3 runs each, min and
// median of wall and CPU (user+sys) per stage and for the whole process.
// Inputs: the real week 20251215 (5,328 rows) and synthetic weeks from the kit's gen_finra.py (seed 1).
// Targets: at 100k and 1M rows the shared stages take ≥ 5x less wall and ≥ 3x less CPU than the
// reference; at 100k our whole week pipeline is ≥ 3x faster than the reference's four stages; the real
// week's pipeline time < 0.3 s.
// The kit (../shared/bench/reference, README there) must be set up: skips with a message otherwise.
// Usage: npm run build && node bench/reference/run.mjs [--runs 3] [--sizes real,100000,1000000]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fmtInt,
  fmtMs,
  fmtRatio,
  median,
  nowNs,
  msSince,
  numberOption,
  printHeader,
  printTable,
  ROOT,
  runChild,
  tempDir,
  verdict,
} from '../lib/common.mjs';

const RUNS = Math.max(1, numberOption('runs', 3));
const sizesArg = process.argv.indexOf('--sizes');
const SIZES = (sizesArg > 0 ? process.argv[sizesArg + 1] : 'real,100000,1000000').split(',');
const KIT = resolve(process.env['SPINE_REFERENCE_KIT'] ?? join(ROOT, '..', 'shared', 'bench', 'reference'));
const REF_HOME = resolve(process.env['REF_HOME'] ?? join(process.env['TMPDIR'] ?? tmpdir(), 'spine-reference'));
const PYTHON = join(REF_HOME, 'venv', 'bin', 'python');
const REF_SRC = join(REF_HOME, 'src');
const REAL = join(ROOT, 'data', 'samples', 'finra_otc_weekly_otc_20251215.csv');
const OURS = fileURLToPath(new URL('./ours-child.mjs', import.meta.url));
const REF_DRIVER = fileURLToPath(new URL('./reference_cpu.py', import.meta.url));

printHeader('bench/reference');

const missing = [
  [join(KIT, 'gen_finra.py'), `the reference kit (${KIT}; set SPINE_REFERENCE_KIT)`],
  [join(REF_SRC, '.ready'), `the reference source (${REF_SRC}): run the kit's setup.sh (REF_HOME=${REF_HOME})`],
  [PYTHON, `the reference Python environment (${PYTHON}): run the kit's setup.sh`],
].filter(([p]) => !existsSync(p));
if (missing.length > 0) {
  console.log(
    `SKIPPED: the Python reference is not set up here. Missing ${missing.map(([, what]) => what).join('; ')}.\n` +
      `Set it up with: MIRROR=<git dir of github:ryansmccoy/spine-core> bash ${join(KIT, 'setup.sh')} ` +
      `(see ${join(KIT, 'README.md')}).`,
  );
  process.exit(0);
}

const dir = tempDir('reference');

/** The input file of a size, named like FINRA's (the reference reads tier and date from the name). */
function inputFile(size) {
  const folder = join(dir, `input-${size}`);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'finra_otc_weekly_otc_20251215.csv');
  if (size === 'real') copyFileSync(REAL, file);
  else {
    const r = spawnSync('python3', [join(KIT, 'gen_finra.py'), REAL, size, file, '1'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`gen_finra.py failed: ${r.stderr}`);
  }
  return file;
}

/** One reference run, the environment as the kit's run.sh sets it (plus CPU per stage). */
function reference(file) {
  const env = {
    ...process.env,
    SPINE_LOG_LEVEL: 'ERROR',
    TMPDIR: dir,
    PYTHONPATH: [
      join(REF_SRC, 'packages', 'spine-core', 'src'),
      join(REF_SRC, 'packages', 'spine-domains', 'src'),
      join(REF_SRC, 'market-spine-basic', 'src'),
    ].join(':'),
  };
  const t0 = nowNs();
  const r = spawnSync(PYTHON, [REF_DRIVER, file], {
    cwd: join(REF_SRC, 'market-spine-basic'),
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = msSince(t0);
  if (r.status !== 0) throw new Error(`reference failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const j = JSON.parse(r.stdout.trim().split('\n').at(-1));
  for (const s of ['ingest', 'normalize_week', 'aggregate_week', 'compute_venue_share']) {
    if (j[s] !== 'completed') throw new Error(`reference ${s}: ${j[s]}`);
  }
  return {
    process_ms: ms,
    process_cpu_ms: j.process_cpu_ms,
    stages: {
      ingest: { ms: j.ingest_ms, cpu_ms: j.ingest_cpu_ms },
      normalize: { ms: j.normalize_week_ms, cpu_ms: j.normalize_week_cpu_ms },
      aggregate: { ms: j.aggregate_week_ms, cpu_ms: j.aggregate_week_cpu_ms },
      venue_share: { ms: j.compute_venue_share_ms, cpu_ms: j.compute_venue_share_cpu_ms },
    },
    total_ms: j.chain_ms,
    total_cpu_ms: j.chain_cpu_ms,
  };
}

let seq = 0;
function ours(mode, file) {
  const dbPath = join(dir, `ours-${mode}-${seq++}.db`);
  const r = runChild([OURS, mode, dbPath, file]);
  for (const ext of ['', '-wal', '-shm']) rmSync(`${dbPath}${ext}`, { force: true });
  const j = JSON.parse(r.stdout.trim().split('\n').at(-1));
  return { ...j, process_ms: r.ms };
}

const STAGES = ['ingest', 'normalize', 'aggregate', 'venue_share'];
const stat = (xs) => ({ min: Math.min(...xs), median: median(xs) });
const both = (xs) => `${fmtMs(stat(xs).min)} / ${fmtMs(stat(xs).median)}`;

const summary = [];
for (const size of SIZES) {
  const file = inputFile(size);
  const rows = Number(spawnSync('wc', ['-l', file], { encoding: 'utf8' }).stdout.trim().split(/\s+/)[0]) - 1;
  const runs = { ref: [], chain: [], week: [] };
  for (let i = 0; i < RUNS; i++) {
    runs.ref.push(reference(file));
    runs.chain.push(ours('chain', file));
    runs.week.push(ours('week', file));
  }
  const pick = (list, f) => list.map(f);
  const row = (label, refWall, ourWall, refCpu, ourCpu, target) => {
    const rw = median(refWall) / median(ourWall);
    const rc = median(refCpu) / median(ourCpu);
    return [
      label,
      both(refWall),
      both(ourWall),
      fmtRatio(rw),
      both(refCpu),
      both(ourCpu),
      fmtRatio(rc),
      target(rw, rc),
    ];
  };
  const info = () => 'info';
  const big = size !== 'real';
  const shared = (rw, rc) => (big ? `wall ≥ 5x: ${verdict(5, rw)}; CPU ≥ 3x: ${verdict(3, rc)}` : 'info');
  const table = [
    ...STAGES.map((s) =>
      row(
        s,
        pick(runs.ref, (r) => r.stages[s].ms),
        pick(runs.chain, (r) => r.stages[s].ms),
        pick(runs.ref, (r) => r.stages[s].cpu_ms),
        pick(runs.chain, (r) => r.stages[s].cpu_ms),
        info,
      ),
    ),
    row(
      '**the four shared stages**',
      pick(runs.ref, (r) => r.total_ms),
      pick(runs.chain, (r) => r.total_ms),
      pick(runs.ref, (r) => r.total_cpu_ms),
      pick(runs.chain, (r) => r.total_cpu_ms),
      shared,
    ),
    row(
      'whole process (four pipelines)',
      pick(runs.ref, (r) => r.process_ms),
      pick(runs.chain, (r) => r.process_ms),
      pick(runs.ref, (r) => r.process_cpu_ms),
      pick(runs.chain, (r) => r.process_cpu_ms),
      info,
    ),
    row(
      'our week pipeline (8 stages) vs their 4',
      pick(runs.ref, (r) => r.total_ms),
      pick(runs.week, (r) => r.total_ms),
      pick(runs.ref, (r) => r.total_cpu_ms),
      pick(runs.week, (r) => r.total_cpu_ms),
      (rw) => (size === '100000' ? `≥ 3x: ${verdict(3, rw)}` : 'info'),
    ),
    row(
      'whole process: our week vs their chain',
      pick(runs.ref, (r) => r.process_ms),
      pick(runs.week, (r) => r.process_ms),
      pick(runs.ref, (r) => r.process_cpu_ms),
      pick(runs.week, (r) => r.process_cpu_ms),
      info,
    ),
  ];
  printTable(
    `${size === 'real' ? 'real week 20251215' : 'synthetic week'}: ${fmtInt(rows)} rows, ${RUNS} runs interleaved (min / median)`,
    [
      'measure',
      'reference wall',
      'ours wall',
      'wall: ref / ours',
      'reference CPU',
      'ours CPU',
      'CPU: ref / ours',
      'target (on medians)',
    ],
    table,
  );
  if (size === 'real') {
    const weekMs = pick(runs.week, (r) => r.total_ms);
    const weekCpu = pick(runs.week, (r) => r.total_cpu_ms);
    console.log(
      `real week: our week pipeline ${both(weekMs)} wall (min / median), ${both(weekCpu)} CPU; ` +
        `target < 0.3 s: ${verdict(median(weekMs), 300)}\n`,
    );
  }
  summary.push(size);
}
rmSync(dir, { recursive: true, force: true });
