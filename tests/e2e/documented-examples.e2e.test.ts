/**
 * Issue 11 item 1: every documented command runs. README.md's commands, then every command's `--help`
 * examples, then every pipeline's examples, in that order, on one fresh database with the shipped data,
 * through the built binary, with ids copied from earlier output as a user would. An example fails on an
 * exit code it does not announce (`# … exit 1 when …`). Examples that need the background stack
 * (`spine dev up`) are skipped here with that reason; set-up lines (npm ci, npm link) are stood in for by
 * running the built `bin/run.js` as `spine`.
 *
 * Two examples need a state a fresh database lacks, which the test creates the way it arises in use:
 * - dead letters (`spine dlq …`): a run whose retries ran out (test fault hook, one attempt allowed);
 * - an abandoned execution (`spine executions cancel`): a run whose process was killed mid-stage.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allowedExits,
  documentedExamples,
  fillPlaceholders,
  pipelineExamples,
  shellWords,
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

function register(examples: readonly DocExample[]): void {
  for (const example of examples) {
    const title = `${example.source}: ${example.text}`;
    if (example.skip) it.skip(`${title} — ${example.skip}`, () => undefined);
    else
      it(title, async () => {
        await before(example);
        runExample(example);
      });
  }
}

describe('README.md, top to bottom', () => register(readme));

describe("every command's --help examples", () => register(help));

describe("every pipeline's examples (spine pipelines describe)", () => register(pipelines));
