/**
 * The worker's composition for in-process activity tests: a real Spine on a migrated SQLite file whose
 * background lane records executions through `ChildRecorderBackend` (as `createWorkerSpine` in
 * src/worker/main.ts does), the test pipelines plus `test.acts` (metrics, failures, summarize), and
 * row readers for exact assertions.
 */
import type { EventEmitter } from 'node:events';
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { StageOutcome } from '../../src/contracts/execution.js';
import { ChildRecorderBackend } from '../../src/activities/index.js';
import { createSpine } from '../../src/app/spine.js';
import type { Spine } from '../../src/app/spine.js';
import { isDryRun } from '../../src/core/dispatch/dispatcher.js';
import { ErrorCodes, SpineError } from '../../src/core/errors.js';
import type { ExecutionRecord } from '../../src/core/execution/execution-store.js';
import { silentLogger } from '../../src/core/logging/logger.js';
import type { SpineLogger } from '../../src/core/logging/logger.js';
import { logStep } from '../../src/core/logging/span.js';
import type { ParamValue } from '../../src/core/pipeline/params.js';
import type { PipelineDefinition } from '../../src/core/pipeline/types.js';
import { testRegistry } from './test-pipelines.js';
import { tempDir } from './tmp-db.js';
import type { TempDir } from './tmp-db.js';

/**
 * `test.acts`: `measure` reports rows_in/rows_out/line metrics in one step (and a non-number `note`);
 * `hiccup` fails with a retryable EXECUTION_FAILED; `summarize` turns the state into a summary.
 */
export const actsPipeline: PipelineDefinition = {
  name: 'test.acts',
  description: 'Activity test pipeline',
  domain: 'test',
  params: [{ name: 'tag', type: 'string', description: 'Any tag', default: 'a' }],
  retryPolicy: { initialIntervalMs: 100, backoffCoefficient: 3, maximumIntervalMs: 10_000, maximumAttempts: 4 },
  summarize: (state) => ({ summary: `measured ${String(state['measured'])}` }),
  stages: [
    {
      name: 'measure',
      description: 'One step with every heartbeat metric',
      async run(ctx): Promise<StageOutcome> {
        await logStep(ctx.log, 'acts.measure', (span) => span.addMetrics({ rows_in: 5, rows_out: 4, line: 7 }));
        return { state: { measured: 4 }, rowsIn: 5, rowsOut: 4 };
      },
    },
    {
      name: 'hiccup',
      description: 'Fails with a retryable error after one step',
      async run(ctx): Promise<StageOutcome> {
        await logStep(ctx.log, 'acts.hiccup', (span) => span.addMetrics({ line: '12' }));
        throw new SpineError(ErrorCodes.EXECUTION_FAILED, `hiccup on attempt ${ctx.execution.attempt}`);
      },
    },
  ],
};

export interface ActivitySpine {
  readonly spine: Spine;
  readonly dir: TempDir;
  /** Submits on the background lane (recorded, pending, not run), as the client does for a Temporal run. */
  submit(pipeline: string, params?: Record<string, ParamValue>): Promise<ExecutionRecord>;
  events(executionId: string): EventRow[];
  execution(executionId: string): ExecutionRow;
  executions(): ExecutionRow[];
  deadLetters(): DeadLetterRow[];
  cleanup(): void;
}

export interface EventRow {
  id: number;
  execution_id: string;
  event_type: string;
  attempt: number;
  stage: string | null;
  step: string | null;
  status: string | null;
  payload: string;
  error_type: string | null;
  error_message: string | null;
  rows_in: number | null;
  rows_out: number | null;
  capture_id: string | null;
}

export interface ExecutionRow {
  id: string;
  pipeline: string;
  params: string;
  lane: string;
  backend: string;
  trigger_source: string;
  status: string;
  parent_execution_id: string | null;
  batch_id: string | null;
  workflow_id: string | null;
  attempts: number;
  started_at: string | null;
  completed_at: string | null;
  error_code: string | null;
  error_message: string | null;
  error_stage: string | null;
  result: string | null;
  owner: string | null;
}

export interface DeadLetterRow {
  id: number;
  execution_id: string;
  pipeline: string;
  stage: string;
  params: string;
  error_type: string;
  error_message: string;
  attempts: number;
  status: string;
}

export function openActivitySpine(log: SpineLogger = silentLogger): ActivitySpine {
  const dir = tempDir('spine-activities-');
  const recorder: { backend?: ChildRecorderBackend } = {};
  const spine = createSpine({
    dbPath: dir.join('spine.db'),
    log,
    registry: testRegistry().register(actsPipeline),
    background: () => Promise.resolve(recorder.backend as ChildRecorderBackend),
  });
  recorder.backend = new ChildRecorderBackend(spine.store);
  const { db } = spine;
  return {
    spine,
    dir,
    submit: async (pipeline, params = {}) => {
      const result = await spine.dispatcher.submit(pipeline, params, { lane: 'background' });
      if (isDryRun(result)) throw new Error('unexpected dry run');
      return result;
    },
    events: (id) =>
      db.prepare('SELECT * FROM core_execution_events WHERE execution_id = ? ORDER BY id').all(id) as EventRow[],
    execution: (id) => db.prepare('SELECT * FROM core_executions WHERE id = ?').get(id) as ExecutionRow,
    executions: () => db.prepare('SELECT * FROM core_executions ORDER BY created_at, rowid').all() as ExecutionRow[],
    deadLetters: () => db.prepare('SELECT * FROM core_dead_letters ORDER BY id').all() as DeadLetterRow[],
    cleanup: () => {
      spine.close();
      dir.cleanup();
    },
  };
}

/**
 * Temporal's activity harness with the given activity info (attempt, workflow, heartbeat details). Its
 * SDK logger only prints errors: a failing activity is what these tests expect, not noise to print.
 */
export function mockActivityEnvironment(info: Partial<Info> = {}): MockActivityEnvironment {
  return new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
}

/**
 * Calls `listener` with the details of every heartbeat the activity sends. MockActivityEnvironment is an
 * EventEmitter emitting `heartbeat`, but its declaration default-imports `node:events`, which this
 * project's tsconfig (`esModuleInterop: false`) does not resolve, so its `on` is typed through Node's class.
 */
export function onHeartbeat(env: MockActivityEnvironment, listener: (details: unknown) => void): void {
  (env as unknown as EventEmitter).on('heartbeat', listener);
}
