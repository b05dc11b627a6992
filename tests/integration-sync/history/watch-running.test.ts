/**
 * `spine executions watch` on a run that is still running: the built CLI follows an execution that the
 * test's own Spine (sync backend, real stage runner, temp SQLite file) holds open at a gate inside its
 * first stage, and exits with the outcome once the test opens the gate. No sleeps: every step waits for
 * the condition it needs (the row running, watch having printed the stage start).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StageOutcome } from '../../../src/contracts/execution.js';
import { SourceError } from '../../../src/core/errors.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { logStep } from '../../../src/core/logging/span.js';
import type { PipelineDefinition } from '../../../src/core/pipeline/types.js';
import { BIN, cliEnv, REPO_ROOT } from '../../helpers/run-cli.js';
import { testRegistry } from '../../helpers/test-pipelines.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import { waitFor } from '../../helpers/wait-for.js';

type Outcome = 'pass' | 'fail';
let openGate: (outcome: Outcome) => void = () => undefined;
let gate: Promise<Outcome> = Promise.resolve('pass');

const gated: PipelineDefinition = {
  name: 'test.gated',
  description: 'Holds its first stage until the test opens the gate',
  domain: 'test',
  params: [],
  stages: [
    {
      name: 'hold',
      description: 'Reports progress, then waits for the gate',
      async run(ctx): Promise<StageOutcome> {
        await logStep(ctx.log, 'gated.read', (span) => span.addMetrics({ rows_in: 5 }));
        if ((await gate) === 'fail') throw new SourceError('gate.csv', 3, 'BAD_ROW', 'the gate said no');
        return { state: { held: true }, rowsOut: 5 };
      },
    },
    { name: 'after', description: 'Runs once hold is done', run: () => Promise.resolve({ state: { after: true } }) },
  ],
};

interface Watch {
  readonly child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  readonly exit: Promise<number | null>;
}

function watch(dbPath: string, id: string): Watch {
  const child = spawn(process.execPath, [BIN, 'executions', 'watch', id.slice(0, 8), '--interval', '50'], {
    cwd: REPO_ROOT,
    env: cliEnv({ SPINE_DATABASE_PATH: dbPath }),
  });
  const w: Watch = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.on('close', (code) => resolve(code))),
  };
  child.stdout.on('data', (d: Buffer) => (w.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (w.stderr += d.toString()));
  return w;
}

let t: TempSpine;
let running: Watch | undefined;

beforeEach(() => {
  gate = new Promise((resolve) => (openGate = resolve));
  t = openTempSpine({ registry: testRegistry().register(gated) });
});

afterEach(async () => {
  openGate('pass');
  if (running && running.child.exitCode === null) running.child.kill();
  await running?.exit;
  running = undefined;
  t.cleanup();
});

/** Submits test.gated and waits until its row is running with the hold stage started. */
async function startGated(): Promise<{ id: string; done: Promise<ExecutionRecord> }> {
  const done = t.spine.dispatcher.submit('test.gated', {}) as Promise<ExecutionRecord>;
  const id = await waitFor(() => {
    const row = t.spine.db
      .prepare(
        `SELECT x.id FROM core_executions x JOIN core_execution_events e ON e.execution_id = x.id
         WHERE x.pipeline = 'test.gated' AND x.status = 'running' AND e.event_type = 'progress'`,
      )
      .get() as { id: string } | undefined;
    return row?.id;
  }, 'test.gated to be running');
  return { id, done };
}

const statusOf = (id: string): string =>
  (t.spine.db.prepare('SELECT status FROM core_executions WHERE id = ?').get(id) as { status: string }).status;

describe('spine executions watch on a running execution', () => {
  it('follows it while it runs and exits 0 with the summary once it completes', async () => {
    const { id, done } = await startGated();
    running = watch(t.dbPath, id);
    const w = running;
    await waitFor(() => w.stderr.includes('hold gated.read rows=5'), 'watch to print the running stage');
    expect(statusOf(id)).toBe('running');
    expect(w.child.exitCode).toBeNull();

    openGate('pass');

    expect((await done).status).toBe('completed');
    expect(await w.exit).toBe(0);
    expect(w.stdout).toContain(`Execution:  ${id}`);
    expect(w.stdout).toMatch(/Status:\s+✓ Completed/);
    const story = ['hold started', 'hold gated.read rows=5', 'hold done', 'after done'];
    expect(w.stderr.split('\n').flatMap((line) => story.filter((s) => line.includes(s)))).toEqual(story);
  });

  it('exits 1 with EXECUTION_FAILED when the run it follows fails', async () => {
    const { id, done } = await startGated();
    running = watch(t.dbPath, id);
    const w = running;
    await waitFor(() => w.stderr.includes('hold started'), 'watch to print the running stage');

    openGate('fail');

    expect((await done).status).toBe('failed');
    expect(await w.exit).toBe(1);
    expect(w.stdout).toMatch(/Status:\s+✗ Failed/);
    expect(w.stderr).toContain('hold failed: gate.csv line 3: BAD_ROW: the gate said no');
    expect(w.stderr).toContain(`Error [EXECUTION_FAILED]: Execution ${id} ended failed`);
  });
});
