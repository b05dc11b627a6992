// Shared helpers for the benchmarks: timing, statistics, tables, temp files, child processes.
// Plain ESM on purpose: the benchmarks import the built code from dist/ (run `npm run build` first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(ROOT, 'bin', 'run.js');

/** Imports a built module, e.g. `await dist('app/spine.js')`; a clear message when dist/ is missing. */
export async function dist(rel) {
  const file = join(ROOT, 'dist', rel);
  if (!existsSync(file)) {
    console.error(`dist/${rel} not found: run \`npm run build\` first`);
    process.exit(2);
  }
  return import(pathToFileURL(file).href);
}

/** `--name N` from the command line as a number, else the default. */
export function numberOption(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

export const nowNs = () => process.hrtime.bigint();
export const msSince = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

export function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
export const median = (v) => quantile(v, 0.5);

/** Runs `fn` `warmup` times untimed, then `runs` times timed; returns the samples in ms. */
export function sample(fn, { runs = 15, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) fn(i);
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t0 = nowNs();
    fn(i);
    out.push(msSince(t0));
  }
  return out;
}

export async function sampleAsync(fn, { runs = 15, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t0 = nowNs();
    await fn(i);
    out.push(msSince(t0));
  }
  return out;
}

/** Interleaves several measured functions round-robin so drift (thermal, cache) hits all alike. */
export function sampleInterleaved(fns, { runs = 15, warmup = 2 } = {}) {
  const names = Object.keys(fns);
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const n of names) {
      const t0 = nowNs();
      fns[n](i);
      const ms = msSince(t0);
      if (i >= warmup) out[n].push(ms);
    }
  }
  return out;
}

/** Wall time of one child process run (spawnSync), ms; throws with stderr when it fails. */
export function runChild(args, { env, cwd = ROOT, allowFail = false, timeoutMs } = {}) {
  const t0 = nowNs();
  const r = spawnSync(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...(timeoutMs ? { timeout: timeoutMs, killSignal: 'SIGKILL' } : {}),
  });
  const ms = msSince(t0);
  if (timeoutMs && r.error?.code === 'ETIMEDOUT')
    return { ms, timedOut: true, stdout: r.stdout, stderr: r.stderr, status: null };
  if (!allowFail && r.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${r.status}:\n${r.stderr}\n${r.stdout?.slice(0, 2000)}`);
  }
  return { ms, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/**
 * Wall times of whole processes, interleaved, measured from a small helper process (see
 * time-commands.mjs for why). `cases` is [{ name, args, env?, timeoutMs? }]; returns { name: [ms…] }
 * (Infinity for a run killed by its timeout).
 */
export function timeCommands(cases, { runs = 10, warmup = 2, env = {} } = {}) {
  const spec = JSON.stringify({ cases, runs, warmup, env });
  const r = runChild([join(ROOT, 'bench', 'lib', 'time-commands.mjs'), spec]);
  const parsed = JSON.parse(r.stdout);
  for (const k of Object.keys(parsed)) parsed[k] = parsed[k].map((v) => (v === null ? Number.POSITIVE_INFINITY : v));
  return parsed;
}

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}
export const fmtRatio = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : '-');
export const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
export const fmtMb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** `met` / `MISSED` for a value against an upper bound. */
export const verdict = (value, max) => (value <= max ? 'met' : 'MISSED');

/** Prints a Markdown table (copy-pasteable into docs/benchmarks.md). */
export function printTable(title, header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  if (title) console.log(`\n${title}\n`);
  console.log(line(all[0]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of all.slice(1)) console.log(line(r));
}

export function printHeader(name) {
  const cpu = cpus();
  console.log(`# ${name}`);
  console.log(
    `${new Date().toISOString()} · node ${process.version} · ${cpu.length} × ${cpu[0]?.model?.trim() ?? 'cpu'} · ${fmtMb(totalmem())} RAM · load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

const tempDirs = [];
/**
 * A temp dir removed when the process exits (normally or on an uncaught error). Ctrl-C during a long
 * synchronous SQLite call cannot run JS handlers, so an interrupted run may leave `spine-bench-*` dirs in
 * the temp folder. `SPINE_BENCH_KEEP=1` keeps the dir; `SPINE_BENCH_TMP` chooses where it goes.
 */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(process.env['SPINE_BENCH_TMP'] ?? tmpdir(), `spine-bench-${prefix}-`));
  if (process.env['SPINE_BENCH_KEEP'] === '1') {
    console.log(`(keeping ${dir})`);
    return dir;
  }
  if (tempDirs.length === 0)
    process.on('exit', () => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  tempDirs.push(dir);
  return dir;
}

/**
 * Flushes dirty pages to disk (`sync`) so that measurements taken right after building a multi-GB
 * database do not compete with the kernel's background writeback. Returns the ms it took.
 */
export function flushToDisk() {
  const t0 = nowNs();
  spawnSync('sync', { stdio: 'ignore' });
  return msSince(t0);
}

/** Opens a fresh database with the project's pragmas and migrations (the exact schema the code uses). */
export async function freshDb(path) {
  const [{ openDatabase }, { migrate }] = await Promise.all([
    dist('core/db/open-database.js'),
    dist('core/db/migrate.js'),
  ]);
  const db = openDatabase(path);
  migrate(db);
  return db;
}

/** Seeded PRNG (mulberry32): the same data on every run. */
export function rng(seed = 42) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
