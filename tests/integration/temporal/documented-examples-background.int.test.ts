/**
 * Issue 11 item 1, the background half: every documented example that needs the Temporal stack runs here,
 * through the built binary, in documented order (README.md's blocks that run `spine dev up`, top to bottom
 * and exactly as written; then the `--help` examples of `spine dev|schedules|worker` and every `--async`
 * example, by command id; then any `--async` pipeline example), with ids copied from earlier output as a
 * user would. tests/e2e/documented-examples.e2e.test.ts runs every other example; the split is the
 * `background` flag of tests/helpers/documented-examples.ts, so a new documented background example is
 * picked up here. An example fails on an exit code its comment does not announce (`# … exit 4 when …`).
 *
 * One shell session for the whole file, on a stack of its own (never the suite's shared server, never a
 * developer's stack):
 * - the session starts with SPINE_DEV_DIR=<temp>/.data and SPINE_DEV_CONFIG=<temp>/stack/temporal-dev.yml,
 *   a stack file on free ports with its own task queue (tests/helpers/dev-stack.ts), and
 *   SPINE_DATABASE_PATH=<temp>/spine.db; the stack is found through this configuration, as README says
 *   every command finds it. `export NAME=value` lines set the variable for every following command;
 * - temporal-dev.yml's address (127.0.0.1:7233), Web UI address and task queue (spine-pipelines) in an
 *   example are rewritten to the test stack's. `spine worker` without SPINE_TEMPORAL_ADDRESS finds the
 *   recorded stack as every command does (the test checks it polls the stack's server);
 * - `$PWD` is the temp directory (the user's project folder for the files an example names there;
 *   commands run from the checkout, so `data/samples/…` resolve), and any other absolute path outside the
 *   checkout (`SPINE_DATABASE_PATH=/tmp/spine.db`) is moved under `<temp>/abs/` (`/tmp/spine.db` is checked
 *   untouched); an absolute path outside the temp directory and the checkout is refused, never used;
 * - `node scripts/fake-finra-api.mjs --port 8787 &` starts the fake FINRA API on a free port (`--port 0`,
 *   the URL read from its first line) with `--rows 200`, as the e2e test's fake (200 rows per synthesised
 *   week instead of 5,328: filling 76 weeks of NMS Tier 1 takes seconds, not minutes), and `127.0.0.1:8787`
 *   in later lines is its address. Until README exports SPINE_FINRA_API_URL the session points it at a
 *   closed local port: no command ever reaches api.finra.org.
 *
 * A `--help` example gets the state it talks about first, created as a user would (README blocks run as
 * written): the stack up on the session database (`spine dev up`) for everything but `spine dev up`
 * itself, which only gets a stack running for another database stopped (`spine dev down`, as `dev up`
 * asks then); the stack down for `spine dev status -q || spine dev up`, so that its `||` branch runs; the
 * schedule present (`spine schedules ensure`) for `schedules pause|unpause|trigger|delete <id>`.
 * `spine worker` runs in the foreground as documented: the test waits until Temporal lists that process
 * polling the queue, sends SIGTERM and expects it to exit 0 by itself.
 *
 * Whatever fails, afterAll stops the stack (`spine dev down`), then SIGKILLs any process still carrying
 * this stack's SPINE_DEV_STACK, the worker examples and the fake API.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDevStackConfig } from '../../../src/backends/temporal/dev-stack/config.js';
import { isAlive, readDevStackState } from '../../../src/backends/temporal/dev-stack/state.js';
import type { ScheduleStatus } from '../../../src/backends/temporal/schedules.js';
import type { DevStatus } from '../../../src/backends/temporal/dev-stack/supervisor.js';
import { livePollers, stackPids, writeStackFile } from '../../helpers/dev-stack.js';
import type { StackFiles } from '../../helpers/dev-stack.js';
import {
  allowedExits,
  documentedExamples,
  fillPlaceholders,
  pipelineExamples,
  shellSequence,
  shellWords,
} from '../../helpers/documented-examples.js';
import type { DocExample } from '../../helpers/documented-examples.js';
import { startFakeFinraProcess } from '../../helpers/fake-finra.js';
import { BIN, REPO_ROOT, runCli } from '../../helpers/run-cli.js';
import type { CliResult } from '../../helpers/run-cli.js';
import { runSpine, spineEnv } from '../../helpers/temporal-cli.js';
import { waitFor } from '../../helpers/wait-for.js';
import { tempDir } from '../../helpers/tmp-db.js';

const STEP_TIMEOUT_MS = 300_000;
/** The project's stack file: the defaults a documented example may spell out. */
const documentedStack = parseDevStackConfig(
  readFileSync(join(REPO_ROOT, 'temporal-dev.yml'), 'utf8'),
  join(REPO_ROOT, 'temporal-dev.yml'),
);
const documentedAddress = `${documentedStack.temporal.ip}:${documentedStack.temporal.port}`;

const dir = tempDir('spine-bg-examples-');
const devDir = dir.join('.data');
const sessionDb = dir.join('spine.db');
let stack: StackFiles;
/** The shell session's exported variables. */
const session: Record<string, string> = {
  SPINE_DATABASE_PATH: sessionDb,
  SPINE_DEV_DIR: devDir,
  // A closed port until README exports the fake's address: never api.finra.org.
  SPINE_FINRA_API_URL: 'http://127.0.0.1:9',
};
const outputs: string[] = [];
let fake: { url: string; stop(): Promise<void> } | undefined;
/** `127.0.0.1:<documented port>` of the fake → its real address. */
const fakeAddresses = new Map<string, string>();
const workers: ChildProcess[] = [];
const stackAddress = () => `127.0.0.1:${stack.port}`;

beforeAll(async () => {
  stack = await writeStackFile(dir, `docs-bg-${process.pid}`, true);
  session['SPINE_DEV_CONFIG'] = stack.config;
});

afterAll(async () => {
  try {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await runSpine(['dev', 'down'], { dbPath: sessionDb, devDir, timeoutMs: 120_000 });
  } finally {
    for (const pid of stackPids(devDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    await fake?.stop();
    dir.cleanup();
  }
}, 180_000);

/** `spine …` in the session (plus the example's own `NAME=value` prefixes). */
function spine(argv: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  const merged = { ...session, ...env };
  return runSpine(argv, {
    dbPath: merged['SPINE_DATABASE_PATH'] as string,
    devDir: merged['SPINE_DEV_DIR'] as string,
    env: merged,
    timeoutMs: STEP_TIMEOUT_MS,
  });
}

/** The rewrites of the header: the test stack for temporal-dev.yml's defaults, the fake's address, `$PWD`. */
function rewrite(text: string): string {
  let out = text.replaceAll('$PWD', dir.path).replaceAll(documentedAddress, stackAddress());
  const documentedUi = documentedStack.temporal.uiPort;
  if (documentedUi !== null && stack.uiPort !== null)
    out = out.replaceAll(`127.0.0.1:${documentedUi}`, `127.0.0.1:${stack.uiPort}`);
  out = out.replace(new RegExp(`(?<![\\w-])${documentedStack.worker.taskQueue}(?![\\w-])`, 'g'), stack.taskQueue);
  for (const [documented, real] of fakeAddresses) out = out.replaceAll(documented, real);
  return out;
}

/** An absolute path outside the temp directory and the checkout moves under `<temp>/abs/`. */
function confine(word: string): string {
  if (!word.startsWith('/')) return word;
  const path = resolve(word);
  if (path.startsWith(`${dir.path}/`) || path === dir.path || path.startsWith(REPO_ROOT)) return path;
  const moved = join(dir.path, 'abs', path);
  mkdirSync(dirname(moved), { recursive: true });
  return moved;
}

function confined(words: ReturnType<typeof shellWords>): ReturnType<typeof shellWords> {
  const env = Object.fromEntries(Object.entries(words.env).map(([k, v]) => [k, confine(v)]));
  const argv = words.argv.map(confine);
  for (const w of [...Object.values(env), ...argv]) {
    if (w.startsWith('/') && !w.startsWith(`${dir.path}/`) && !w.startsWith(REPO_ROOT))
      throw new Error(`refusing to run an example on ${w}: outside the test's directory`);
  }
  return { env, argv, program: words.program };
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  if (!existsSync(sessionDb)) return [];
  const db = new Database(sessionDb, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

interface ExecutionRow {
  readonly id: string;
  readonly pipeline: string;
  readonly params: string;
  readonly backend: string;
  readonly trigger_source: string;
  readonly status: string;
}

function topLevelExecutions(): ExecutionRow[] {
  return query<ExecutionRow>(
    'SELECT id, pipeline, params, backend, trigger_source, status FROM core_executions WHERE parent_execution_id IS NULL',
  );
}

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/**
 * The executions of `pipeline` by `trigger` with (at least) `params` started since `before` (ids), once
 * they have all ended. The params keep apart a schedule's run from another schedule's that its cron
 * happened to fire meanwhile.
 */
async function endedExecutions(
  before: ReadonlySet<string>,
  pipeline: string,
  trigger: string,
  params: Readonly<Record<string, unknown>> = {},
): Promise<(Omit<ExecutionRow, 'params'> & { params: Record<string, unknown> })[]> {
  const rows = await waitFor(
    () => {
      const rows = topLevelExecutions()
        .map((r) => ({ ...r, params: JSON.parse(r.params) as Record<string, unknown> }))
        .filter(
          (r) =>
            !before.has(r.id) &&
            r.pipeline === pipeline &&
            r.trigger_source === trigger &&
            Object.entries(params).every(([k, v]) => r.params[k] === v),
        );
      return rows.length > 0 && rows.every((r) => ENDED.has(r.status)) ? rows : undefined;
    },
    `a ${trigger} execution of ${pipeline} ${JSON.stringify(params)} to end`,
    STEP_TIMEOUT_MS,
  );
  return rows;
}

/** The stack recorded in the session's stack directory runs, for the session's database. */
function stackRunning(): boolean {
  const state = readDevStackState(devDir);
  return (
    state !== undefined &&
    state.databasePath === session['SPINE_DATABASE_PATH'] &&
    isAlive(state.server.pid) &&
    state.worker !== undefined &&
    isAlive(state.worker.pid)
  );
}

async function stackUp(): Promise<void> {
  if (stackRunning()) return;
  // `dev up` refuses a stack running for another database ("run `spine dev down` first").
  if (readDevStackState(devDir)?.databasePath !== session['SPINE_DATABASE_PATH']) await stackDown();
  const up = await spine(['dev', 'up']);
  expect(up.code, `spine dev up\nstdout: ${up.stdout}\nstderr: ${up.stderr}`).toBe(0);
}

async function stackDown(): Promise<void> {
  if (readDevStackState(devDir) === undefined && stackPids(devDir).length === 0) return;
  const down = await spine(['dev', 'down']);
  expect(down.code, `spine dev down\nstderr: ${down.stderr}`).toBe(0);
}

async function schedules(env: Readonly<Record<string, string>> = {}): Promise<ScheduleStatus[]> {
  const list = await spine(['schedules', 'list', '--json'], env);
  expect(list.code, list.stderr).toBe(0);
  return list.json<{ schedules: ScheduleStatus[] }>().schedules;
}

/** The state a `--help` example talks about (see the header); README lines run as written. */
async function before(example: DocExample): Promise<void> {
  if (example.source.startsWith('README.md') || example.commandId === '') return;
  if (example.commandId === 'dev:up') {
    // A stack for another database is stopped first, as `dev up` asks ("run `spine dev down` first").
    const database = confine(
      shellWords(rewrite(example.text)).env['SPINE_DATABASE_PATH'] ?? session['SPINE_DATABASE_PATH'] ?? '',
    );
    const recorded = readDevStackState(devDir);
    if (recorded !== undefined && recorded.databasePath !== database) await stackDown();
    return;
  }
  if (example.commandId === 'dev:status' && shellSequence(example.text).steps.length > 1) {
    await stackDown();
    return;
  }
  await stackUp();
  const schedule = /^schedules:(pause|unpause|trigger|delete)$/.test(example.commandId)
    ? shellWords(example.text).argv[2]
    : undefined;
  if (schedule !== undefined && !(await schedules()).some((s) => s.scheduleId === schedule && s.exists)) {
    const ensure = await spine(['schedules', 'ensure']);
    expect(ensure.code, ensure.stderr).toBe(0);
  }
}

/** `spine worker …` in the foreground: until Temporal lists it polling, then SIGTERM; its exit code. */
async function runWorker(argv: readonly string[], env: Record<string, string>): Promise<number | null> {
  const merged: Record<string, string> = { ...session, ...env };
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd: REPO_ROOT,
    env: spineEnv({ dbPath: merged['SPINE_DATABASE_PATH'] as string, devDir, env: merged }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(child);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const flag = argv.indexOf('--task-queue');
  const taskQueue = flag >= 0 ? (argv[flag + 1] as string) : (merged['SPINE_TASK_QUEUE'] ?? stack.taskQueue);
  // Where Temporal must list it polling: the address it was given, else the recorded stack's.
  const address = merged['SPINE_TEMPORAL_ADDRESS'] ?? stackAddress();
  await waitFor(
    async () =>
      child.exitCode !== null ||
      (await livePollers(address, taskQueue)).some((id) => id.startsWith(`spine-worker-${child.pid}@`)),
    `spine ${argv.join(' ')} to poll ${taskQueue} at ${address}`,
    STEP_TIMEOUT_MS,
  );
  expect(child.exitCode, `spine ${argv.join(' ')} exited before polling:\n${output}`).toBeNull();
  child.kill('SIGTERM');
  const [code, signal] = await exited;
  expect(signal, `spine ${argv.join(' ')} did not exit by itself after SIGTERM:\n${output}`).toBeNull();
  outputs.push(output);
  return code;
}

interface StepResult {
  readonly argv: readonly string[];
  readonly env: Record<string, string>;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One command of a line: `export NAME=value`, or `spine …`. */
async function runStep(text: string, example: DocExample): Promise<StepResult> {
  const { env, argv, program } = confined(shellWords(text));
  if (program === 'export' && Object.keys(env).length === 0) {
    for (const assignment of argv.slice(1)) {
      const [name, ...value] = assignment.split('=');
      session[name as string] = confine(value.join('='));
    }
    return { argv, env, code: 0, stdout: '', stderr: '' };
  }
  if (program !== 'spine')
    throw new Error(`${example.source}: no way to run \`${text}\` here (only spine commands, export and the fake API)`);
  if (argv[0] === 'worker') return { argv, env, code: await runWorker(argv, env), stdout: '', stderr: '' };
  const res = await spine(argv, env);
  outputs.push(res.stdout);
  return { argv, env, code: res.code, stdout: res.stdout, stderr: res.stderr };
}

/** `node scripts/fake-finra-api.mjs [--port N] … &`: the fake on a free port (see the header). */
async function startFake(text: string, example: DocExample): Promise<void> {
  const { argv } = shellWords(text);
  if (argv[0] !== 'node' || argv[1] !== 'scripts/fake-finra-api.mjs')
    throw new Error(`${example.source}: no way to run \`${text}\` in the background here (only the fake API)`);
  const args = argv.slice(2);
  const port = args.indexOf('--port');
  const documented = port >= 0 ? args.splice(port, 2)[1] : undefined;
  fake = await startFakeFinraProcess([...args, '--port', '0', '--rows', '200']);
  if (documented !== undefined) fakeAddresses.set(`127.0.0.1:${documented}`, new URL(fake.url).host);
}

/** Runs a documented line with the shell's `&&` / `||` / `&`; the results of the steps it ran. */
async function runLine(example: DocExample): Promise<StepResult[]> {
  const { steps, background } = shellSequence(fillPlaceholders(rewrite(example.text), outputs));
  if (background) {
    expect(steps, `${example.source}: one command before &`).toHaveLength(1);
    await startFake(steps[0]?.text ?? '', example);
    return [];
  }
  const results: StepResult[] = [];
  let code: number | null = 0;
  for (const step of steps) {
    if ((step.after === '&&' && code !== 0) || (step.after === '||' && code === 0)) continue;
    const result = await runStep(step.text, example);
    results.push(result);
    code = result.code;
  }
  const last = results.at(-1);
  expect(
    allowedExits(example.text),
    `${last?.argv.join(' ')}: exit ${code}\nstdout: ${last?.stdout}\nstderr: ${last?.stderr}`,
  ).toContain(code);
  return results;
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** What a key example must have done, checked in SQLite, /proc, Temporal and the stack's own files. */
async function after(example: DocExample, results: readonly StepResult[], before: ReadonlySet<string>) {
  const last = results.at(-1);
  if (!last) return;
  const [command, sub] = last.argv;
  const sessionAfter = { ...session, ...last.env };

  if (last.argv[0] === 'export' && Object.keys(last.env).length === 0) {
    const [name, ...value] = (last.argv[1] ?? '').split('=');
    expect(session[name as string]).toBe(confine(value.join('=')));
    if (name === 'SPINE_FINRA_API_URL') expect(session[name]).toBe(fake?.url);
    if (name === 'SPINE_DATABASE_PATH') expect(session[name]).toBe(sessionDb);
    return;
  }
  if (command === 'dev' && sub === 'up') {
    const state = readDevStackState(devDir);
    expect(state).toMatchObject({
      configPath: stack.config,
      databasePath: sessionAfter['SPINE_DATABASE_PATH'],
      server: { address: stackAddress() },
      worker: { taskQueue: stack.taskQueue },
    });
    expect(isAlive(state?.server.pid ?? 0) && isAlive(state?.worker?.pid ?? 0)).toBe(true);
    if (last.argv.includes('--json'))
      expect(JSON.parse(last.stdout)).toMatchObject({ stack: { databasePath: sessionAfter['SPINE_DATABASE_PATH'] } });
    // Temporal's view: the recorded worker polls the stack's queue.
    expect(await livePollers(stackAddress(), stack.taskQueue)).toContain(state?.worker?.identity);
    if (results.length > 1) expect(results[0]?.code, 'spine dev status -q before || found the stack down').toBe(3);
    return;
  }
  if (command === 'dev' && sub === 'down') {
    expect(stackPids(devDir)).toEqual([]);
    expect(readDevStackState(devDir)).toBeUndefined();
    return;
  }
  if (command === 'dev' && sub === 'status' && last.argv.includes('--json')) {
    expect(JSON.parse(last.stdout)).toMatchObject({
      running: true,
      stackDir: devDir,
      databasePath: sessionDb,
      worker: { polling: true, taskQueue: stack.taskQueue },
    } satisfies Partial<Record<keyof DevStatus, unknown>>);
    return;
  }
  if ((command === 'run' || command === 'sync') && last.argv.includes('--async')) {
    const pipeline = command === 'sync' ? 'finra.otc_transparency.sync' : (last.argv[1] as string);
    expect(await endedExecutions(before, pipeline, 'cli')).toMatchObject([
      { status: 'completed', backend: 'temporal' },
    ]);
    return;
  }
  if (command === 'sync') {
    const tier = flagValue(last.argv, '--tier');
    const from = flagValue(last.argv, '--from');
    expect(await endedExecutions(before, 'finra.otc_transparency.sync', 'cli')).toMatchObject([
      { status: 'completed', backend: 'sync' },
    ]);
    if (tier === 'tier1' && from !== undefined)
      expect(
        query('SELECT week_ending FROM core_captures_latest WHERE tier = ? AND week_ending = ?', 'NMS_TIER_1', from),
      ).toEqual([{ week_ending: from }]);
    return;
  }
  if (command === 'executions' && sub === 'show') {
    expect(last.stdout).toContain(last.argv[2]);
    return;
  }
  if (command === 'schedules') {
    const id = last.argv[2];
    const list = await schedules(last.env);
    const one = list.find((s) => s.scheduleId === id);
    switch (sub) {
      case 'ensure':
        // The server holds exactly what ensure converged to (the spec hash includes the task queue).
        expect(list.map((s) => [s.scheduleId, s.exists, s.upToDate])).toEqual(
          ['captures-gc', 'sync-tier1', 'sync-tier2', 'sync-otc'].map((s) => [`spine-${s}`, true, true]),
        );
        break;
      case 'pause':
        expect(one).toMatchObject({ exists: true, paused: true });
        break;
      case 'unpause':
        expect(one).toMatchObject({ exists: true, paused: false });
        break;
      case 'delete':
        expect(one).toMatchObject({ exists: false });
        break;
      case 'trigger':
        expect(await endedExecutions(before, one?.pipeline ?? '?', 'scheduler', one?.params)).toMatchObject([
          { status: 'completed', backend: 'temporal', params: one?.params },
        ]);
        break;
    }
  }
}

async function runExample(example: DocExample): Promise<void> {
  await before(example);
  const started = new Set(topLevelExecutions().map((r) => r.id));
  const snapshot = (path: string) =>
    existsSync(path) ? { ino: lstatSync(path).ino, mtimeMs: lstatSync(path).mtimeMs } : null;
  // An absolute path an example names (/tmp/spine.db) is never touched: its copy under <temp>/abs/ is.
  const named = [...example.text.matchAll(/(?<=[\s=])\/[^\s'"]+/g)].map((m) => m[0]);
  const untouched = named.map(snapshot);
  const results = await runLine(example);
  await after(example, results, started);
  expect(named.map(snapshot)).toEqual(untouched);
}

const { readme, help } = documentedExamples();
const pipelines = ((): DocExample[] => {
  const names = runCli(['pipelines', 'list', '--json'], { dbPath: sessionDb })
    .json<{ pipelines: { name: string }[] }>()
    .pipelines.map((p) => p.name);
  return pipelineExamples(
    (name) => runCli(['pipelines', 'describe', name, '--json'], { dbPath: sessionDb }).json<{ examples: string[] }>(),
    names,
  );
})();

/** Registers the examples this file runs, the background ones (a group without any gets no describe). */
function register(title: string, examples: readonly DocExample[]): void {
  const background = examples.filter((e) => e.background);
  if (background.length === 0) return;
  describe(title, () => {
    for (const example of background)
      it(`${example.source}: ${example.text}`, () => runExample(example), STEP_TIMEOUT_MS * 2);
  });
}

describe('documented background examples, on a dev stack of their own', () => {
  register('README.md, top to bottom', readme);
  register("every command's --help examples", help);
  register("every pipeline's examples (spine pipelines describe)", pipelines);
});
