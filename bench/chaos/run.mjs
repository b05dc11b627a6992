// bench/chaos (issue 10): durable execution under crashes, load and concurrent duplicate submits.
//
// One real Temporal dev server (persistent --db-filename, so workflows survive its restart) and one
// `spine worker` process, both started by this script on a free loopback port. Then, for K rounds:
//   - P partitions (pipeline finra.otc_transparency.week, one (week, tier) each, never reused across
//     rounds); one of them a 300,000-row file, the others small;
//   - 2–4 concurrent submits per partition, each a whole `spine run` process, in different spellings of
//     the same file (F, ./x/../F, a symlink, --week W --tier T --file F) and on both lanes (sync, and
//     `--async --wait`), a few of them late (they attach to the run in flight);
//   - `kill -9` of the worker and of the Temporal server at seeded random moments (most of them wait from
//     that moment until a background run of the round is inside a stage), each restarted after a seeded
//     random downtime; a worker or server that exits by itself is restarted too (and reported);
//   - two CPU hogs (busy child processes) occupying both cores during part of the round.
// A submit refused with TEMPORAL_UNAVAILABLE (exit 3: the server was down at that moment) is submitted
// again once the server answers, as an operator would. When every submit has returned, the round is
// checked from SQLite and Temporal:
//   lost        a partition without a published capture, or whose capture does not hold exactly the
//               file's raw rows;
//   duplicated  a partition with more than one published (or superseded) capture;
//   false DL    a dead letter whose error is not a genuine data error (class request or fatal);
//   abandoned   an execution listed by `spine executions list --status abandoned`, or a background
//               execution still open whose workflow is not running.
// Each round prints its events (submits, kills, restarts, outcomes) and checks; the run ends with
//   chaos: K rounds, N runs, L lost, D duplicated, F false dead letters, A abandoned left behind
// (N = `spine run` processes started). Everything is seeded: `--seed S --round R` replays round R of
// seed S alone (same partitions, submits, kill and hog schedule). Exit code 0 when all four counts are
// 0, 1 otherwise or when a round does not finish within --round-timeout-s.
//
// Usage: npm run build && node bench/chaos/run.mjs [--rounds 10] [--seed 1] [--round R] [--partitions 3]
//          [--big-rows 300000] [--small-rows 5000] [--round-timeout-s 900] [--heartbeat-timeout-ms 10000]
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { BIN, ROOT, dist, fmtInt, fmtMs, numberOption, printHeader, rng } from '../lib/common.mjs';
import { writeFinraFile } from './finra-file.mjs';

const ROUNDS = numberOption('rounds', 10);
const SEED = numberOption('seed', 1);
const ONLY_ROUND = numberOption('round', 0);
const PARTS = numberOption('partitions', 3);
const BIG_ROWS = numberOption('big-rows', 300_000);
const SMALL_ROWS = numberOption('small-rows', 5_000);
const ROUND_TIMEOUT_MS = numberOption('round-timeout-s', 900) * 1000;
const HEARTBEAT_TIMEOUT_MS = numberOption('heartbeat-timeout-ms', 10_000);
const PIPELINE = 'finra.otc_transparency.week';
const TASK_QUEUE = 'spine-chaos';
const NAMESPACE = 'default';
const DAY = 86_400_000;
const BASE_FRIDAY = Date.UTC(2010, 0, 1); // a Friday; partition i of the whole run is week BASE + 7i days
const TIERS = ['OTC', 'NMS_TIER_1', 'NMS_TIER_2'];
const FILE_TIER = { OTC: 'otc', NMS_TIER_1: 'tier1', NMS_TIER_2: 'tier2' };
const TIER_ALIASES = { OTC: ['otc', 'OTC'], NMS_TIER_1: ['tier1', 'NMS_TIER_1'], NMS_TIER_2: ['tier2', 'nms_tier_2'] };
const SPELLINGS = ['abs', 'dotdot', 'symlink', 'explicit'];
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

const positive = { rounds: ROUNDS, partitions: PARTS, 'big-rows': BIG_ROWS, 'small-rows': SMALL_ROWS };
const nonNegative = { seed: SEED, round: ONLY_ROUND };
Object.assign(positive, { 'round-timeout-s': ROUND_TIMEOUT_MS, 'heartbeat-timeout-ms': HEARTBEAT_TIMEOUT_MS });
for (const [name, v] of [...Object.entries(positive), ...Object.entries(nonNegative)]) {
  if (!Number.isInteger(v) || v < (name in positive ? 1 : 0)) {
    console.error(`bench/chaos: --${name} must be a ${name in positive ? 'positive' : 'non-negative'} integer`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------------
// Processes we start: every one in its own process group, all killed on exit (normal, error, Ctrl-C).

const children = new Map(); // pid -> { name, child }
let exiting = false;

function launch(name, command, args, { env, cwd = ROOT, log, stdout = 'log' }) {
  const fd = log ? openSync(log, 'a') : 'ignore';
  try {
    const child = spawn(command, args, {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', stdout === 'pipe' ? 'pipe' : fd, fd],
    });
    if (child.pid === undefined) throw new Error(`could not start ${name}`);
    children.set(child.pid, { name, child });
    child.on('exit', () => children.delete(child.pid));
    return child;
  } finally {
    if (typeof fd === 'number') closeSync(fd);
  }
}

function killGroup(pid, signal = 'SIGKILL') {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

let workDir;
const keepWorkDir = process.env['SPINE_BENCH_KEEP'] === '1';
function killEverything() {
  for (const [pid] of children) killGroup(pid);
}
process.on('exit', () => {
  exiting = true;
  killEverything();
  if (workDir && !keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  else if (workDir) console.log(`(kept ${workDir})`);
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\nbench/chaos: ${sig}: stopping the server, the worker, the hogs and the submits`);
    process.exit(130);
  });
}

const exited = (child) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

// ---------------------------------------------------------------------------------------------------
// Events: a line per thing that happened, stamped with the time since the round started.

let roundT0 = Date.now();
let roundLog = null;
function ev(msg) {
  const line = `  +${((Date.now() - roundT0) / 1000).toFixed(1).padStart(5)}s ${msg}`;
  if (roundLog) roundLog.push(line);
  console.log(line);
}

// ---------------------------------------------------------------------------------------------------
// The stack: a dev server and a worker, kept up by a supervisor loop; `kill` SIGKILLs one and keeps it
// down for a while.

const [{ parseDevStackConfig, startDevArgs }, { connectClient }, { isPolling }, { workerIdentity }, binaries] =
  await Promise.all([
    dist('backends/temporal/dev-stack/config.js'),
    dist('backends/temporal/connection.js'),
    dist('backends/temporal/dev-stack/processes.js'),
    dist('contracts/temporal/task-queue.js'),
    dist('core/tools/temporal-binaries.js'),
  ]);
const { errorClassOf } = await dist('contracts/error-taxonomy.js');

class Stack {
  constructor(dir, env) {
    this.dir = dir;
    this.env = env;
    this.port = 0;
    this.everStarted = false;
    this.server = { name: 'server', proc: null, ready: false, downUntil: 0, busy: false, failures: 0 };
    this.worker = { name: 'worker', proc: null, ready: false, downUntil: 0, busy: false, failures: 0 };
    this.fatal = null;
    this.cli = binaries.resolveTemporalBinary('cli', process.env);
    if (!this.cli) throw new Error(`the Temporal CLI is not installed: ${binaries.TEMPORAL_INSTALL_HINT}`);
  }

  setPort(port) {
    this.port = port;
    this.env.SPINE_TEMPORAL_ADDRESS = this.address; // the worker's and every CLI process's
  }

  get address() {
    return `127.0.0.1:${this.port}`;
  }

  serverArgs() {
    const shipped = readFileSync(join(ROOT, 'temporal-dev.yml'), 'utf8');
    const path = join(this.dir, 'temporal-dev.yml');
    writeFileSync(
      path,
      shipped
        .replace(/port: 7233/, `port: ${this.port}`)
        .replace(/uiPort: 8233.*/, 'uiPort: null')
        .replace(/dbFilename: .*/, `dbFilename: ${join(this.dir, 'temporal.db')}`),
    );
    return startDevArgs(parseDevStackConfig(readFileSync(path, 'utf8'), path));
  }

  async start() {
    this.setPort(await freePort());
    this.loop = this.#supervise();
    await this.waitUp(120_000);
  }

  async #supervise() {
    while (!exiting && !this.stopped) {
      if (this.fatal) return;
      const now = Date.now();
      if (!this.server.proc && !this.server.busy && now >= this.server.downUntil) {
        this.server.busy = true;
        void this.#startServer().finally(() => (this.server.busy = false));
      }
      if (this.server.ready && !this.worker.proc && !this.worker.busy && now >= this.worker.downUntil) {
        this.worker.busy = true;
        void this.#startWorker().finally(() => (this.worker.busy = false));
      }
      await sleep(200);
    }
  }

  #watch(part, child) {
    part.proc = child;
    child.once('exit', (code, signal) => {
      if (part.proc !== child) return; // killed on purpose: already accounted for
      part.proc = null;
      part.ready = false;
      if (part === this.server) this.worker.ready = false;
      if (!this.stopped && !exiting) ev(`${part.name} pid ${child.pid} exited by itself (${signal ?? `code ${code}`})`);
    });
  }

  async #startServer() {
    const log = join(this.dir, 'logs', 'temporal.log');
    const child = launch('temporal server', this.cli.path, this.serverArgs(), { env: this.env, log });
    this.#watch(this.server, child);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && this.server.proc === child) {
      try {
        const c = await connectClient({ address: this.address, namespace: NAMESPACE }, 1_000);
        await c.close();
        this.server.ready = true;
        this.server.failures = 0;
        if (this.everStarted) ev(`server back: pid ${child.pid} on ${this.address}`);
        this.everStarted = true;
        return;
      } catch {
        await sleep(250);
      }
    }
    if (this.server.proc === child) {
      this.server.proc = null;
      killGroup(child.pid);
    }
    const tail = readFileSync(log, 'utf8').split('\n').slice(-8).join('\n');
    if (!this.everStarted && /address already in use/i.test(tail)) {
      this.setPort(await freePort()); // port taken between the probe and the start: try another
      return;
    }
    if (++this.server.failures >= 10)
      this.fatal = new Error(`the Temporal dev server did not start 10 times on ${this.address}:\n${tail}`);
    else await sleep(1_000);
  }

  async #startWorker() {
    const log = join(this.dir, 'logs', 'worker.log');
    const args = [BIN, 'worker', '--task-queue', TASK_QUEUE, '--concurrency', '2'];
    const child = launch('spine worker', process.execPath, args, { env: this.env, log });
    this.#watch(this.worker, child);
    const identity = workerIdentity(child.pid, hostname());
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && this.worker.proc === child) {
      if (this.server.ready && (await isPolling(this.address, NAMESPACE, TASK_QUEUE, identity).catch(() => false))) {
        this.worker.ready = true;
        this.worker.failures = 0;
        if (roundLog) ev(`worker up: pid ${child.pid}`);
        return;
      }
      await sleep(300);
    }
    if (this.worker.proc !== child) return; // died or was killed while starting: the loop restarts it
    this.worker.proc = null;
    killGroup(child.pid);
    if (++this.worker.failures >= 5) this.fatal = new Error(`the worker did not poll 5 times; see ${log}`);
  }

  /** SIGKILL the worker or the server; the supervisor restarts it after `downMs`. */
  kill(which, downMs, why = '') {
    const part = this[which];
    const child = part.proc;
    part.downUntil = Date.now() + downMs;
    if (!child) {
      ev(`kill -9 ${which}: not running (restarting), skipped`);
      return;
    }
    part.proc = null;
    part.ready = false;
    if (which === 'server') this.worker.ready = false;
    killGroup(child.pid);
    ev(`kill -9 ${which} pid ${child.pid}${why}; restart in ${(downMs / 1000).toFixed(1)} s`);
  }

  async waitUp(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.fatal) throw this.fatal;
      if (this.server.ready && this.worker.ready) {
        // The worker polls again only after the server came back: `ready` is reset by a server kill.
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the dev stack is not up after ${timeoutMs / 1000} s (server ${this.server.ready ? 'up' : 'down'}, worker ${this.worker.ready ? 'polling' : 'down'}); logs in ${join(this.dir, 'logs')}`,
        );
      }
      // After a server restart an already running worker re-polls by itself; check it.
      if (this.server.ready && this.worker.proc && !this.worker.ready) {
        const identity = workerIdentity(this.worker.proc.pid, hostname());
        if (await isPolling(this.address, NAMESPACE, TASK_QUEUE, identity).catch(() => false)) this.worker.ready = true;
      }
      await sleep(300);
    }
  }

  async waitServer(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (!this.server.ready && Date.now() < deadline) {
      if (this.fatal) throw this.fatal;
      await sleep(200);
    }
  }

  async stop() {
    this.stopped = true;
    const w = this.worker.proc;
    if (w) {
      this.worker.proc = null;
      killGroup(w.pid, 'SIGTERM');
      await Promise.race([exited(w), sleep(15_000)]);
      killGroup(w.pid);
    }
    const s = this.server.proc;
    if (s) {
      this.server.proc = null;
      killGroup(s.pid);
      await Promise.race([exited(s), sleep(5_000)]);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The plan of a round: a pure function of (seed, round), so a round can be replayed alone.

function planRound(seed, round) {
  const rand = rng(seed * 100_003 + round * 7_919);
  const between = (a, b) => a + rand() * (b - a);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const big = Math.floor(rand() * PARTS);
  const partitions = [];
  const submits = [];
  for (let i = 0; i < PARTS; i++) {
    const index = (round - 1) * PARTS + i;
    const friday = new Date(BASE_FRIDAY + index * 7 * DAY).toISOString().slice(0, 10);
    const monday = new Date(BASE_FRIDAY + (index * 7 + 3) * DAY).toISOString().slice(0, 10);
    const tier = TIERS[index % TIERS.length];
    const rows = i === big ? BIG_ROWS : SMALL_ROWS * (1 + Math.floor(rand() * 4));
    const name = `finra_otc_weekly_${FILE_TIER[tier]}_${monday.replaceAll('-', '')}.csv`;
    // Which lanes the concurrent submits use. A sync submit claims the partition sooner than an async
    // one (which loads the Temporal client first), so a mixed partition usually runs on the sync backend:
    // `async` partitions make the worker do the work (and suffer the kills), the 300k one most often.
    const r = rand();
    const lanes =
      i === big ? (r < 0.6 ? 'async' : r < 0.9 ? 'mixed' : 'sync') : r < 0.45 ? 'async' : r < 0.8 ? 'mixed' : 'sync';
    const p = { label: `p${i + 1}`, week: friday, tier, rows, name, salt: index, lanes };
    partitions.push(p);
    const n = 2 + Math.floor(rand() * 3);
    const first = pick(SPELLINGS);
    for (let k = 0; k < n; k++) {
      // The first two always differ in spelling; later ones are any spelling.
      let spelling = pick(SPELLINGS);
      if (k === 1) while (spelling === first) spelling = pick(SPELLINGS);
      if (k === 0) spelling = first;
      // A late submit (either lane) arrives while the run is in flight, or after it, and must not redo it.
      const late = k > 0 && rand() < 0.25;
      const coin = rand() < 0.5 ? 'sync' : 'async';
      submits.push({
        label: `${p.label}#${k + 1}`,
        partition: p,
        spelling,
        tierAlias: pick(TIER_ALIASES[tier]),
        lane: late || lanes === 'mixed' ? coin : lanes,
        atMs: Math.round(late ? between(3_000, 30_000) : between(0, 1_500)),
      });
    }
  }
  const kills = [];
  let workerKills = Math.floor(rand() * 3);
  const serverKills = rand() < 0.6 ? 1 : 0;
  if (workerKills + serverKills === 0) workerKills = 1;
  // Most kills wait, from their moment on, until a background run of the round is inside a stage, so they
  // land on work in flight (a kill of an idle worker proves little); the others strike at their moment.
  for (let i = 0; i < workerKills; i++)
    kills.push({
      what: 'worker',
      atMs: Math.round(between(1_000, 60_000)),
      downMs: Math.round(between(200, 4_000)),
      whenBusy: rand() < 0.75,
    });
  for (let i = 0; i < serverKills; i++)
    kills.push({
      what: 'server',
      atMs: Math.round(between(1_000, 60_000)),
      downMs: Math.round(between(500, 8_000)),
      whenBusy: rand() < 0.5,
    });
  kills.sort((a, b) => a.atMs - b.atMs);
  const hog = { atMs: Math.round(between(0, 20_000)), durationMs: Math.round(between(15_000, 60_000)) };
  return { round, partitions, submits: submits.sort((a, b) => a.atMs - b.atMs), kills, hog };
}

// ---------------------------------------------------------------------------------------------------
// Submits: one `spine run` process each, cwd = the work dir (so relative spellings resolve there).

let runsStarted = 0;

function submitArgs(s, dir) {
  const p = s.partition;
  const abs = join(dir, 'files', p.name);
  let file;
  const extra = [];
  switch (s.spelling) {
    case 'abs':
      file = abs;
      break;
    case 'dotdot':
      file = `./x/../files/${p.name}`;
      break;
    case 'symlink': {
      file = join('links', `${s.label.replace('#', '-')}-r${p.salt}.csv`);
      symlinkSync(abs, join(dir, file));
      break;
    }
    case 'explicit':
      file = abs;
      extra.push('--week', p.week, '--tier', s.tierAlias);
      break;
  }
  const args = ['run', PIPELINE, ...extra, '--file', file, '--json'];
  if (s.lane === 'async') args.push('--async', '--wait');
  return args;
}

function describeArgs(s, args) {
  const shown = args.slice(2).filter((a) => a !== '--json');
  return `${s.lane.padEnd(5)} ${shown.join(' ').replaceAll(`${workDir}/`, '')}`;
}

async function runSubmit(s, dir, env, stack, round) {
  const args = submitArgs(s, dir);
  ev(`${s.label} submit ${describeArgs(s, args)}`);
  for (let attempt = 1; ; attempt++) {
    const log = join(dir, 'logs', `r${round}-${s.label.replace('#', '-')}-${attempt}.log`);
    runsStarted++;
    const t0 = Date.now();
    const child = launch(`spine run ${s.label}`, process.execPath, [BIN, ...args], {
      env,
      cwd: dir,
      log,
      stdout: 'pipe',
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.once('close', (c, sig) => resolve(c ?? sig)));
    const o = parseOutcome(code, out, readFileSync(log, 'utf8'));
    o.ms = Date.now() - t0;
    o.log = log;
    if (o.errorCode === 'TEMPORAL_UNAVAILABLE' && attempt < 6 && !exiting) {
      ev(`${s.label} exit ${code} TEMPORAL_UNAVAILABLE (server down): submitting again once it answers`);
      await stack.waitServer(120_000);
      continue;
    }
    ev(`${s.label} ${o.text}`);
    s.outcome = o;
    return o;
  }
}

function parseOutcome(code, stdout, stderr) {
  let json = null;
  try {
    json = JSON.parse(stdout);
  } catch {
    /* not JSON: a crash */
  }
  // The submission's own log line says when it attached to a run already in flight (either lane).
  const attached = /"attached_to":"([0-9a-f-]+)"[^\n]*"event":"execution\.attached"/.exec(stderr);
  const via = attached ? ` (attached to ${attached[1].slice(0, 8)})` : '';
  if (json && !json.error) {
    return {
      code,
      status: json.status,
      id: json.id,
      attempts: json.attempts,
      text: `exit ${code}: ${json.status} ${String(json.id).slice(0, 8)}${via}, attempts ${json.attempts}, ${json.backend}`,
    };
  }
  if (json?.error) {
    const e = json.error;
    const exec = e.details?.execution;
    return {
      code,
      status: exec?.status ?? 'error',
      id: exec?.id,
      errorCode: e.code,
      text: `exit ${code}: ${e.code}${via}: ${String(e.message).slice(0, 240)}`,
    };
  }
  return { code, status: 'crash', text: `exit ${code}: no JSON on stdout; stderr: ${stderr.slice(-400)}` };
}

// ---------------------------------------------------------------------------------------------------
// CPU hogs: one busy process per core.

function startHogs(n = 2) {
  return Array.from({ length: n }, () =>
    launch('cpu hog', process.execPath, ['-e', 'for (;;) {}'], { env: process.env }),
  );
}

// ---------------------------------------------------------------------------------------------------
// The checks of a round, from SQLite and Temporal.

const seenAbandoned = new Set();

function spineJson(env, args) {
  return new Promise((resolve, reject) => {
    const child = launch('spine (check)', process.execPath, [BIN, ...args, '--json'], {
      env: { ...env, SPINE_LOG_LEVEL: 'warn' },
      stdout: 'pipe',
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.once('close', (code) => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`spine ${args.join(' ')} exited ${code}: ${out.slice(0, 400)}`));
      }
    });
  });
}

async function workflowStatus(client, workflowId) {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    return err?.name === 'WorkflowNotFoundError' ? 'NOT_FOUND' : `UNKNOWN (${err?.message ?? err})`;
  }
}

async function checkRound(plan, { dbPath, env, stack }) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  const temporal = await connectClient({ address: stack.address, namespace: NAMESPACE }, 5_000);
  const r = { lost: 0, duplicated: 0, falseDeadLetters: 0, abandoned: 0, lines: [] };
  const say = (line) => {
    r.lines.push(line);
    console.log(line);
  };
  try {
    for (const p of plan.partitions) {
      const captures = db
        .prepare(
          `SELECT capture_id, status, execution_id FROM core_captures
            WHERE week_ending = ? AND tier = ? ORDER BY created_at`,
        )
        .all(p.week, p.tier);
      const published = captures.filter((c) => c.status === 'published' || c.status === 'superseded');
      const others = captures.filter((c) => !published.includes(c)).map((c) => c.status);
      const rawRows = published.map(
        (c) =>
          db.prepare('SELECT COUNT(*) AS n FROM finra_otc_transparency_raw WHERE capture_id = ?').get(c.capture_id).n,
      );
      const executions = db
        .prepare(
          `SELECT id, status, backend, attempts, error_code, error_stage, error_message, workflow_id, owner, result
             FROM core_executions WHERE pipeline = ? AND logical_key LIKE ? ORDER BY created_at, id`,
        )
        .all(PIPELINE, `${p.tier}:${p.week}:%`);
      const deadLetters = db
        .prepare(
          `SELECT d.id, d.execution_id, d.stage, d.error_type, d.error_message, d.attempts
             FROM core_dead_letters d JOIN core_executions e ON e.id = d.execution_id
            WHERE e.pipeline = ? AND e.logical_key LIKE ?`,
        )
        .all(PIPELINE, `${p.tier}:${p.week}:%`);

      const problems = [];
      if (published.length === 0) {
        r.lost++;
        problems.push('LOST: no published capture');
      } else if (published.length > 1) {
        r.duplicated++;
        problems.push(`DUPLICATED: ${published.length} published captures`);
      }
      if (published.length > 0 && rawRows.some((n) => n !== p.rows)) {
        if (published.length === 1) r.lost++;
        problems.push(`ROWS: raw rows ${rawRows.join(', ')} != ${p.rows} in the file`);
      }
      for (const d of deadLetters) {
        const cls = errorClassOf(d.error_type);
        if (cls === 'request' || cls === 'fatal') continue;
        r.falseDeadLetters++;
        problems.push(
          `FALSE DEAD LETTER ${d.id}: ${d.error_type} (${cls}) at ${d.stage} after ${d.attempts} attempts: ${d.error_message.slice(0, 200)}`,
        );
      }
      // Background executions still open: their workflow must be running.
      for (const e of executions) {
        if (TERMINAL.has(e.status)) continue;
        if (e.backend === 'temporal') {
          const wf = e.workflow_id ? await workflowStatus(temporal.client, e.workflow_id) : 'NO WORKFLOW ID';
          if (wf !== 'RUNNING') {
            r.abandoned++;
            seenAbandoned.add(e.id);
            problems.push(`ABANDONED: execution ${e.id} is ${e.status} but its workflow is ${wf}`);
          } else problems.push(`note: execution ${e.id.slice(0, 8)} still ${e.status}, workflow running`);
        } else problems.push(`note: execution ${e.id.slice(0, 8)} still ${e.status} (sync, owner ${e.owner})`);
      }
      const byStatus = {};
      for (const e of executions) {
        const key =
          e.status === 'cancelled' && e.result?.includes('attached_to')
            ? 'attached'
            : e.status === 'failed'
              ? `failed ${e.error_code}`
              : e.status;
        byStatus[key] = (byStatus[key] ?? 0) + 1;
      }
      const capText =
        published.length === 1
          ? `1 published capture (${published[0].capture_id.split(':').pop()}, ${fmtInt(rawRows[0])} raw rows${rawRows[0] === p.rows ? ' = file' : ''})`
          : `${published.length} published captures`;
      say(
        `  check ${p.label} ${p.tier} ${p.week} (${fmtInt(p.rows)} rows): ${capText}${others.length ? `, other captures: ${others.join(', ')}` : ''} · ${executions.length} executions: ${Object.entries(
          byStatus,
        )
          .map(([k, v]) => `${v} ${k}`)
          .join(
            ', ',
          )} · ${deadLetters.length} dead letters${problems.some((x) => !x.startsWith('note')) ? '' : ' · ok'}`,
      );
      for (const e of executions) {
        const interesting = e.status === 'failed' || e.attempts > 1 || !TERMINAL.has(e.status);
        if (interesting)
          say(
            `      ${e.id.slice(0, 8)} ${e.backend} ${e.status} attempts ${e.attempts}${e.error_code ? ` ${e.error_code}@${e.error_stage ?? '-'}: ${String(e.error_message).slice(0, 200)}` : ''}`,
          );
      }
      for (const x of problems) say(`      ${x}`);
      // A closed execution whose workflow still runs is inconsistent (reported, not counted).
      for (const e of executions) {
        if (e.backend !== 'temporal' || !e.workflow_id || !TERMINAL.has(e.status)) continue;
        if (e.status === 'cancelled' && e.result?.includes('attached_to')) continue;
        const wf = await workflowStatus(temporal.client, e.workflow_id);
        if (wf === 'RUNNING')
          say(`      warn: execution ${e.id.slice(0, 8)} is ${e.status} but ${e.workflow_id} still runs`);
      }
    }
    // Anything in the whole database that is open without a live owner.
    const abandoned = (await spineJson(env, ['executions', 'list', '--status', 'abandoned', '--limit', '1000']))
      .executions;
    for (const e of abandoned) {
      if (seenAbandoned.has(e.id)) continue;
      seenAbandoned.add(e.id);
      r.abandoned++;
      say(`      ABANDONED (executions list): ${e.id} ${e.pipeline} ${e.status} week ${e.week_ending} ${e.tier}`);
    }
  } finally {
    await temporal.close();
    db.close();
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------
// A round.

async function runRound(plan, ctx) {
  const { dir, env, stack } = ctx;
  // Files first (untimed): one per partition, plus the directory the ./x/../F spelling walks through.
  for (const p of plan.partitions)
    await writeFinraFile(join(dir, 'files', p.name), p.rows, {
      tier: p.tier,
      lastUpdateDate: new Date(Date.parse(p.week) + 3 * DAY).toISOString().slice(0, 10),
      salt: p.salt,
    });
  await stack.waitUp(120_000);

  console.log(
    `\n## round ${plan.round} (seed ${SEED}): ${plan.partitions
      .map((p) => `${p.label} ${p.tier} ${p.week} ${fmtInt(p.rows)} rows (${p.lanes})`)
      .join(' · ')}`,
  );
  console.log(
    `  plan: ${plan.submits.length} submits · kills ${plan.kills
      .map(
        (k) =>
          `${k.what} ${k.whenBusy ? 'from' : 'at'} ${(k.atMs / 1000).toFixed(1)} s${k.whenBusy ? ' once a background run is in a stage' : ''} (down ${(k.downMs / 1000).toFixed(1)} s)`,
      )
      .join(
        ', ',
      )} · hogs ${(plan.hog.atMs / 1000).toFixed(1)}–${((plan.hog.atMs + plan.hog.durationMs) / 1000).toFixed(1)} s`,
  );
  roundT0 = Date.now();
  roundLog = [];
  const timers = [];
  let hogs = [];
  const stopHogs = () => {
    if (hogs.length === 0) return;
    for (const h of hogs) killGroup(h.pid);
    ev(`hogs stopped`);
    hogs = [];
  };
  timers.push(
    setTimeout(() => {
      hogs = startHogs(2);
      ev(`hogs started: 2 busy processes (pids ${hogs.map((h) => h.pid).join(', ')})`);
      timers.push(setTimeout(stopHogs, plan.hog.durationMs));
    }, plan.hog.atMs),
  );
  let submitsDone = false;
  const roundStart = new Date(roundT0).toISOString();
  const watch = new Database(ctx.dbPath, { readonly: true, fileMustExist: true });
  const inFlight = watch.prepare(
    `SELECT e.id, (SELECT v.stage FROM core_execution_events v WHERE v.execution_id = e.id AND v.stage IS NOT NULL
                    ORDER BY v.id DESC LIMIT 1) AS stage
       FROM core_executions e
      WHERE e.backend = 'temporal' AND e.status = 'running' AND e.created_at >= ? AND e.pipeline = ?
      ORDER BY e.created_at LIMIT 1`,
  );
  const strike = async (k) => {
    if (!k.whenBusy) return stack.kill(k.what, k.downMs);
    while (!submitsDone && !exiting) {
      const busy = inFlight.get(roundStart, PIPELINE);
      if (busy?.stage) return stack.kill(k.what, k.downMs, ` while ${busy.id.slice(0, 8)} is in stage ${busy.stage}`);
      await sleep(250);
    }
    ev(`kill -9 ${k.what}: no background run in a stage any more, skipped`);
  };
  for (const k of plan.kills) timers.push(setTimeout(() => void strike(k), k.atMs));
  const submits = plan.submits.map(async (s) => {
    await sleep(s.atMs);
    return runSubmit(s, dir, env, stack, plan.round);
  });
  let timeout;
  const done = await Promise.race([
    Promise.all(submits).then(() => true),
    new Promise((resolve) => (timeout = setTimeout(() => resolve(false), ROUND_TIMEOUT_MS))),
  ]);
  clearTimeout(timeout);
  submitsDone = true;
  for (const t of timers) clearTimeout(t);
  stopHogs();
  watch.close();
  if (!done) {
    const waiting = plan.submits.filter((s) => !s.outcome).map((s) => s.label);
    throw new Error(
      `round ${plan.round} (seed ${SEED}) did not finish within ${ROUND_TIMEOUT_MS / 1000} s: still waiting for ${waiting.join(', ')}; replay with --seed ${SEED} --round ${plan.round}`,
    );
  }
  ev('all submits returned; waiting for the stack to be up for the checks');
  await stack.waitUp(120_000);
  const result = await checkRound(plan, ctx);
  result.ms = Date.now() - roundT0;
  roundLog = null;
  console.log(
    `  round ${plan.round}: ${result.lost} lost, ${result.duplicated} duplicated, ${result.falseDeadLetters} false dead letters, ${result.abandoned} abandoned · ${fmtMs(result.ms)}`,
  );
  return result;
}

// ---------------------------------------------------------------------------------------------------
// Main.

printHeader('bench/chaos');
const rounds = ONLY_ROUND > 0 ? [ONLY_ROUND] : Array.from({ length: ROUNDS }, (_, i) => i + 1);
console.log(
  `seed ${SEED} · ${ONLY_ROUND > 0 ? `replaying round ${ONLY_ROUND}` : `${ROUNDS} rounds`} · ${PARTS} partitions per round (one of ${fmtInt(BIG_ROWS)} rows) · heartbeat timeout ${HEARTBEAT_TIMEOUT_MS} ms · round timeout ${ROUND_TIMEOUT_MS / 1000} s`,
);
workDir = mkdtempSync(join(process.env['SPINE_BENCH_TMP'] ?? tmpdir(), 'spine-bench-chaos-'));
const dir = workDir;
for (const d of ['files', 'links', 'x', 'logs', '.data']) mkdirSync(join(dir, d));
const dbPath = join(dir, 'spine.db');
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SPINE_')));
Object.assign(env, {
  SPINE_DATABASE_PATH: dbPath,
  SPINE_DEV_DIR: join(dir, '.data'), // no dev-stack.json there: every command uses the variables below
  SPINE_TEMPORAL_NAMESPACE: NAMESPACE,
  SPINE_TASK_QUEUE: TASK_QUEUE,
  SPINE_HEARTBEAT_TIMEOUT_MS: String(HEARTBEAT_TIMEOUT_MS),
  SPINE_RETRY_INITIAL_MS: '500',
  SPINE_RETRY_BACKOFF: '2',
  SPINE_RETRY_MAX_INTERVAL_MS: '5000',
  SPINE_RETRY_MAX_ATTEMPTS: '5',
  SPINE_LOG_LEVEL: 'info',
  SPINE_LOG_FORMAT: 'json',
});

const t0 = Date.now();
const totals = { lost: 0, duplicated: 0, falseDeadLetters: 0, abandoned: 0 };
let roundsDone = 0;
let failure = null;
const stack = new Stack(dir, env);
try {
  await new Promise((resolve, reject) => {
    const c = launch('spine db migrate', process.execPath, [BIN, 'db', 'migrate'], {
      env,
      log: join(dir, 'logs', 'migrate.log'),
    });
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`spine db migrate exited ${code}`))));
  });
  await stack.start();
  console.log(
    `dev server ${stack.address} (db ${join(dir, 'temporal.db')}), worker pid ${stack.worker.proc?.pid}, work dir ${dir}`,
  );
  for (const round of rounds) {
    const r = await runRound(planRound(SEED, round), { dir, env, stack, dbPath });
    roundsDone++;
    totals.lost += r.lost;
    totals.duplicated += r.duplicated;
    totals.falseDeadLetters += r.falseDeadLetters;
    totals.abandoned += r.abandoned;
  }
} catch (err) {
  failure = err;
} finally {
  await stack.stop();
}
console.log(`\n${roundsDone} rounds in ${fmtMs(Date.now() - t0)}`);
if (failure) {
  console.error(`bench/chaos FAILED: ${failure.stack ?? failure}`);
}
const bad = totals.lost + totals.duplicated + totals.falseDeadLetters + totals.abandoned;
if ((failure || bad > 0) && !keepWorkDir)
  console.log(
    `to inspect a round's database and logs: SPINE_BENCH_KEEP=1 node bench/chaos/run.mjs --seed ${SEED} --round R`,
  );
console.log(
  `chaos: ${roundsDone} rounds, ${runsStarted} runs, ${totals.lost} lost, ${totals.duplicated} duplicated, ${totals.falseDeadLetters} false dead letters, ${totals.abandoned} abandoned left behind`,
);
// Exit now: the exit handler kills whatever is still running (submits of a round that timed out, hogs).
process.exit(failure || bad > 0 ? 1 : 0);
