/**
 * Issue 11 item 1: every documented command runs. README.md's commands, then every command's `--help`
 * examples, then every pipeline's examples, in that order, on one fresh database with the shipped data,
 * through the built binary, with ids copied from earlier output as a user would. An example fails on an
 * exit code it does not announce (`# … exit 1 when …`). The built `bin/run.js` is run as `spine` (what
 * `npm link` puts on PATH).
 *
 * Examples that need the background stack (`spine dev …`, `spine worker`, `spine schedules …`, `--async`,
 * and every line of a README block that runs `spine dev up`) are run by the Temporal tier instead, on a
 * stack of its own: tests/integration/temporal/documented-examples-background.int.test.ts. Nothing is
 * skipped: each example is registered in exactly one of the two files (`background` in
 * tests/helpers/documented-examples.ts).
 *
 * README lines that are not `spine` commands:
 * - `bash scripts/demo.sh` runs here as documented, on a database in a temp directory
 *   (SPINE_DATABASE_PATH). demo.sh installs (npm ci) when package-lock.json is newer than
 *   node_modules/.package-lock.json and rebuilds when src/ or migrations/ is newer than dist/: the test
 *   checks both first and fails saying so instead of letting it reinstall or rebuild under the other
 *   tests, and runs it with an `npm` on PATH that refuses to run, so it never can;
 * - `npm link` runs here against a temporary global prefix (npm_config_prefix and the npm cache in the
 *   temp directory; the real global prefix and the checkout are checked untouched), then the linked
 *   `spine` runs from another directory, and `npm unlink -g market-spine` removes it;
 * - the lines `.ci/run` runs around the suite (`bash scripts/test.sh`, and `npm ci`, `npm run build`,
 *   `npm run tools:install` that scripts/test.sh runs before vitest: RUN_BEFORE_VITEST) are not run by a
 *   test; each is checked to be exactly that (read from .ci/run and scripts/test.sh), so a README line no
 *   test runs fails here.
 *
 * Two examples need a state a fresh database lacks, which the test creates the way it arises in use:
 * - dead letters (`spine dlq …`): a run whose retries ran out (test fault hook, one attempt allowed);
 * - an abandoned execution (`spine executions cancel`): a run whose process was killed mid-stage.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allowedExits,
  documentedExamples,
  fillPlaceholders,
  pipelineExamples,
  runBeforeVitest,
  shellWords,
  withoutComment,
} from '../helpers/documented-examples.js';
import type { DocExample } from '../helpers/documented-examples.js';
import { startFakeFinraProcess } from '../helpers/fake-finra.js';
import { BIN, cliEnv, REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp-db.js';

const dir = tempDir('spine-examples-');
const dbPath = dir.join('spine.db');
const outputs: string[] = [];
// `spine sync` examples talk to the fake FINRA Query API (scripts/fake-finra-api.mjs, its own process since
// runCli blocks this one), never to api.finra.org: real weekly rows, 200 per week, by the real clock.
const finra = await startFakeFinraProcess(['--rows', '200']);

afterAll(async () => {
  await finra.stop();
  dir.cleanup();
});

function spine(argv: readonly string[], env: Record<string, string> = {}) {
  const res = runCli(argv, { dbPath, env: { SPINE_FINRA_API_URL: finra.url, ...env }, timeoutMs: 120_000 });
  outputs.push(res.stdout);
  return res;
}

function count(sql: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A run whose retries ran out: the state `spine dlq …` examples talk about. */
function ensureOpenDeadLetter(): void {
  if (count(`SELECT COUNT(*) AS n FROM core_dead_letters WHERE status = 'open'`) === 0) {
    const faults = dir.join('faults.json');
    writeFileSync(faults, JSON.stringify({ 'finra.otc_transparency.normalize_week/normalize': { always: true } }));
    const res = runCli(['run', 'finra.otc_transparency.normalize_week', '--week', '2025-12-12', '--tier', 'otc'], {
      dbPath,
      env: { SPINE_FAULTS_FILE: faults, SPINE_RETRY_MAX_ATTEMPTS: '1' },
    });
    expect(res.code, res.stderr).toBe(1);
  }
  spine(['dlq', 'list']);
}

/** A run whose process was killed mid-stage: what `spine executions list --status abandoned` shows. */
async function createAbandonedExecution(): Promise<void> {
  const child = spawn(
    process.execPath,
    [BIN, 'run', 'finra.otc_transparency.week', '--file', 'data/samples/finra_otc_weekly_otc_20251222.csv', '--force'],
    { cwd: REPO_ROOT, env: cliEnv({ SPINE_DATABASE_PATH: dbPath }), stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  while (child.exitCode === null && count(`SELECT COUNT(*) AS n FROM core_executions WHERE status = 'running'`) === 0) {
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await exited;
  expect(count(`SELECT COUNT(*) AS n FROM core_executions WHERE status = 'running'`)).toBe(1);
}

const { readme, help } = documentedExamples();
const pipelines = ((): DocExample[] => {
  const names = runCli(['pipelines', 'list', '--json'], { dbPath })
    .json<{ pipelines: { name: string }[] }>()
    .pipelines.map((p) => p.name);
  return pipelineExamples(
    (name) => runCli(['pipelines', 'describe', name, '--json'], { dbPath }).json<{ examples: string[] }>(),
    names,
  );
})();

let abandonedCreated = false;

async function before(example: DocExample): Promise<void> {
  if (/^dlq:(discard|replay|show)$/.test(example.commandId)) ensureOpenDeadLetter();
  if (example.commandId === 'executions:cancel' && !abandonedCreated) {
    abandonedCreated = true;
    await createAbandonedExecution();
  }
}

function runExample(example: DocExample): void {
  // `dlq replay 3`: a user replays their own dead letter, not number 3.
  const text = example.text.replace(/^(spine dlq \w+) \d+\b/, '$1 <dead-letter-id>');
  const { env, argv } = shellWords(fillPlaceholders(text, outputs));
  const res = spine(argv, env);
  expect(allowedExits(example.text), `spine ${argv.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`).toContain(
    res.code,
  );
}

/** Runs (demo.sh, npm link) or checks (RUN_BEFORE_VITEST) a README line that is not a `spine` command. */
function runSetUpLine(example: DocExample): void {
  const line = withoutComment(example.text);
  if (line === 'bash scripts/demo.sh') runDemo();
  else if (line === 'npm link') runNpmLink();
  else if (runBeforeVitest(line)) expectRunBeforeVitest(line);
  else
    throw new Error(
      `${example.source}: \`${line}\` is not a spine command and no test runs it: run it in this file (as demo.sh and npm link are), ` +
        'or, when scripts/test.sh runs it before vitest, name it in RUN_BEFORE_VITEST (tests/helpers/documented-examples.ts)',
    );
}

function mtimeNs(path: string): bigint {
  return lstatSync(path, { bigint: true }).mtimeNs;
}

/** The first file or directory under `roots` newer than `ns` (what `find ROOTS -newer FILE -print -quit` prints). */
function newerThan(roots: readonly string[], ns: bigint): string | undefined {
  for (const root of roots) {
    if (mtimeNs(root) > ns) return root;
    for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      const path = join(root, entry);
      if (mtimeNs(path) > ns) return path;
    }
  }
  return undefined;
}

/** Why demo.sh would install or build in this checkout (its own two checks), if it would. */
function demoWouldInstallOrBuild(): string | undefined {
  const at = (p: string) => join(REPO_ROOT, p);
  const lock = at('node_modules/.package-lock.json');
  if (!existsSync(lock) || mtimeNs(at('package-lock.json')) > mtimeNs(lock))
    return 'node_modules is older than package-lock.json: demo.sh would run npm ci under the other tests; run npm ci (scripts/test.sh does)';
  const runJs = at('dist/cli/commands/run.js');
  if (!existsSync(runJs))
    return 'dist is missing: demo.sh would build under the other tests; run npm run build (scripts/test.sh does)';
  const newer = newerThan([at('src'), at('migrations')], mtimeNs(runJs));
  if (newer !== undefined)
    return `dist is stale (${newer} is newer than dist/cli/commands/run.js): demo.sh would rebuild under the other tests; run npm run build (scripts/test.sh does)`;
  return undefined;
}

/** `bash scripts/demo.sh`, as documented, on a database of its own. */
function runDemo(): void {
  const stale = demoWouldInstallOrBuild();
  if (stale !== undefined) throw new Error(stale);
  // Belt and braces: an `npm` that refuses, first on PATH, so demo.sh can never install or build here.
  const guard = dir.join('no-npm');
  mkdirSync(guard, { recursive: true });
  writeFileSync(
    join(guard, 'npm'),
    '#!/bin/sh\necho "demo.sh ran npm $*: the documented-examples test forbids it" >&2\nexit 97\n',
  );
  chmodSync(join(guard, 'npm'), 0o755);
  const demoDb = dir.join('demo', 'spine.db');
  mkdirSync(dir.join('demo'), { recursive: true });
  const env = cliEnv({ SPINE_DATABASE_PATH: demoDb });
  const res = spawnSync('bash', ['scripts/demo.sh'], {
    cwd: REPO_ROOT,
    env: { ...env, PATH: `${guard}:${env['PATH'] ?? ''}` },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(res.status, `stdout: ${res.stdout}\nstderr: ${res.stderr}`).toBe(0);
  expect(res.stdout).toContain(`== database ${demoDb}`);
  expect(res.stdout).toContain('== top 10 symbols, week 2025-12-19');
  expect(res.stdout).toContain('== venue shares, week 2025-12-19');
  const db = new Database(demoDb, { readonly: true });
  try {
    expect(
      db.prepare(`SELECT pipeline, status, backend FROM core_executions WHERE parent_execution_id IS NULL`).all(),
    ).toEqual([{ pipeline: 'finra.otc_transparency.week', status: 'completed', backend: 'sync' }]);
    expect(db.prepare(`SELECT week_ending, tier FROM core_captures_latest`).all()).toEqual([
      { week_ending: '2025-12-19', tier: 'OTC' },
    ]);
  } finally {
    db.close();
  }
}

/** `npm link`, against a global prefix in the temp directory: the real one and the checkout stay untouched. */
function runNpmLink(): void {
  const prefix = dir.join('npm-prefix');
  const npmEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^npm_config_/i.test(k) && v !== undefined) env[k] = v;
    return { ...env, ...extra };
  };
  // npm's cache (and its debug logs) in the temp directory for every call, the real-prefix query too.
  const cache = { npm_config_cache: dir.join('npm-cache') };
  const env = npmEnv({
    ...cache,
    npm_config_prefix: prefix,
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  });
  const npm = (args: readonly string[], e: NodeJS.ProcessEnv = env) => {
    const res = spawnSync('npm', args, { cwd: REPO_ROOT, env: e, encoding: 'utf8', timeout: 120_000 });
    expect(res.status, `npm ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`).toBe(0);
    return res.stdout.trim();
  };
  // The override must hold before anything is linked.
  const realPrefix = npm(['prefix', '-g'], npmEnv(cache));
  expect(npm(['prefix', '-g'])).toBe(prefix);
  expect(realPrefix).not.toBe(prefix);
  const realLink = join(realPrefix, 'lib', 'node_modules', 'market-spine');
  const untouched = () => ({
    realLink: existsSync(realLink) ? realpathSync(realLink) : null,
    lock: mtimeNs(join(REPO_ROOT, 'node_modules', '.package-lock.json')),
  });
  const before = untouched();

  npm(['link']);
  const bin = join(prefix, 'bin', 'spine');
  expect(realpathSync(bin)).toBe(realpathSync(BIN));
  // `spine` on PATH, from another directory, as a user types it.
  mkdirSync(dir.join('elsewhere'), { recursive: true });
  const spineEnv = cliEnv({ SPINE_DATABASE_PATH: dir.join('elsewhere', 'spine.db') });
  const onPath = { ...spineEnv, PATH: `${join(prefix, 'bin')}:${spineEnv['PATH'] ?? ''}` };
  const run = (args: readonly string[]) =>
    spawnSync('spine', args, { cwd: dir.join('elsewhere'), env: onPath, encoding: 'utf8', timeout: 60_000 });
  const version = run(['--version']);
  expect(version.status, version.stderr).toBe(0);
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  expect(version.stdout).toContain(`market-spine/${pkg.version}`);
  const list = run(['pipelines', 'list', '--json']);
  expect(list.status, list.stderr).toBe(0);
  expect(JSON.parse(list.stdout)).toMatchObject({
    pipelines: expect.arrayContaining([expect.objectContaining({ name: 'finra.otc_transparency.week' })]) as unknown,
  });

  // README: `npm unlink -g market-spine` removes it.
  npm(['unlink', '-g', 'market-spine']);
  expect(existsSync(bin)).toBe(false);
  expect(untouched()).toEqual(before);
}

/** The code lines of a shell script (comments and blank lines dropped). */
function scriptLines(path: string): string[] {
  return readFileSync(join(REPO_ROOT, path), 'utf8')
    .split('\n')
    .map((l) => withoutComment(l))
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * A RUN_BEFORE_VITEST line: `bash scripts/test.sh` is what .ci/run runs; every other command of the line
 * (`npm ci`, `npm run X`) is run by scripts/test.sh before its vitest line, itself or as the body of the
 * npm script (`npm run tools:install` = `bash scripts/install-temporal.sh`).
 */
function expectRunBeforeVitest(line: string): void {
  const testSh = scriptLines('scripts/test.sh');
  const vitestAt = testSh.findIndex((l) => /\bnpx vitest run\b/.test(l));
  expect(vitestAt, 'scripts/test.sh runs vitest').toBeGreaterThan(0);
  const beforeVitest = testSh.slice(0, vitestAt);
  const npmScripts = (
    JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const command of line.split('&&').map((c) => c.trim())) {
    if (command === 'bash scripts/test.sh') {
      expect(scriptLines('.ci/run'), '.ci/run').toContain(command);
      continue;
    }
    const name = /^npm run (\S+)$/.exec(command)?.[1];
    const forms =
      command === 'npm ci'
        ? [/(^|[\s;&|(])npm ci(\s|$)/]
        : name !== undefined
          ? [
              new RegExp(`(^|[\\s;&|(])npm run (--?\\S+ )*${escape(name)}(\\s|$)`),
              ...(npmScripts[name] ? [new RegExp(`(^|[\\s;&|(])${escape(npmScripts[name])}(\\s|$)`)] : []),
            ]
          : [];
    expect(forms, `${command}: not a command scripts/test.sh is checked for`).not.toEqual([]);
    expect(
      beforeVitest.some((l) => forms.some((f) => f.test(l))),
      `${command} (README: ${line}) is not run by scripts/test.sh before vitest`,
    ).toBe(true);
  }
}

/** Registers the examples this file runs: all but the background ones (see the header). */
function register(examples: readonly DocExample[]): void {
  for (const example of examples.filter((e) => !e.background)) {
    it(`${example.source}: ${example.text}`, async () => {
      if (example.commandId === '') {
        runSetUpLine(example);
        return;
      }
      await before(example);
      runExample(example);
    });
  }
}

describe('README.md, top to bottom', () => register(readme));

describe("every command's --help examples", () => register(help));

describe("every pipeline's examples (spine pipelines describe)", () => register(pipelines));
