import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReplayResult } from '../../../src/app/background.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { eventsOf } from '../../helpers/temporal-parity.js';
import { runSpine } from '../../helpers/temporal-cli.js';
import { openTestStack, useTestTemporal } from '../../helpers/temporal-env.js';
import { testRegistry, writeFaultsFile } from '../../helpers/test-pipelines.js';
import { setEnv, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const WEEK = 'finra.otc_transparency.week';
const SAMPLE = fileURLToPath(new URL('../../../data/samples/finra_otc_weekly_otc_20251215.csv', import.meta.url));

interface Webhook {
  readonly url: string;
  readonly bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

async function startWebhook(): Promise<Webhook> {
  const bodies: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/spine?token=secret`,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** (stage, attempt, delay, error type) of every `retrying` event: what both backends must agree on. */
function retries(db: Parameters<typeof eventsOf>[0], id: string): unknown[] {
  return eventsOf(db, id, 'retrying').map((e) => [
    e.stage,
    e.attempt,
    (JSON.parse(e.payload) as { delay_ms: number }).delay_ms,
    e.error_type,
  ]);
}

describe('retries and dead letters on Temporal', () => {
  const temporal = useTestTemporal();
  let dir: TempDir;
  let restoreEnv: () => void = () => undefined;
  afterEach(() => {
    restoreEnv();
    dir?.cleanup();
  });

  it('a transient fault succeeds on retry, with the same retrying events (attempt, delay) as the sync backend', async () => {
    dir = tempDir('spine-retry-');
    const faults = writeFaultsFile(dir.join('faults.json'), { 'test.flaky/fetch': { failAttempts: 2 } });
    restoreEnv = setEnv({ SPINE_FAULTS_FILE: faults, SPINE_RETRY_INITIAL_MS: '50' });
    const stack = openTestStack(temporal(), { name: 'retry', registry: testRegistry(), dir });
    const worker = await stack.startWorker();
    try {
      const sync = (await stack.client.dispatcher.submit('test.flaky', {})) as ExecutionRecord;
      const run = (await stack.client.dispatcher.submit(
        'test.flaky',
        {},
        { lane: 'background', wait: true },
      )) as ExecutionRecord;
      expect(sync.status).toBe('completed');
      expect(run).toMatchObject({ status: 'completed', backend: 'temporal', attempts: 3 });
      expect(retries(stack.client.db, run.id)).toEqual([
        ['fetch', 1, 50, 'EXECUTION_FAILED'],
        ['fetch', 2, 100, 'EXECUTION_FAILED'],
      ]);
      expect(retries(stack.client.db, run.id)).toEqual(retries(stack.client.db, sync.id));
      expect(eventsOf(stack.client.db, run.id, 'stage_started').map((e) => [e.stage, e.attempt])).toEqual([
        ['fetch', 1],
        ['fetch', 2],
        ['fetch', 3],
        ['store', 1],
      ]);
      expect(run.result).toMatchObject({ fetched: 3, stored: true });
      expect(stack.client.deadLetters.list()).toEqual([]);
    } finally {
      await worker.stop();
      stack.cleanup();
    }
  });

  it('a permanent fault is dead-lettered, alerts once, and `spine dlq replay` succeeds once the fault is gone', async () => {
    dir = tempDir('spine-dlq-');
    const webhook = await startWebhook();
    const faults = writeFaultsFile(dir.join('faults.json'), {
      [`${WEEK}/normalize`]: { always: true, message: 'normalize is broken' },
    });
    restoreEnv = setEnv({
      SPINE_FAULTS_FILE: faults,
      SPINE_ALERT_WEBHOOK_URL: webhook.url,
      SPINE_RETRY_INITIAL_MS: '50',
      SPINE_RETRY_MAX_ATTEMPTS: '3',
    });
    const stack = openTestStack(temporal(), { name: 'dlq', dir });
    const worker = await stack.startWorker();
    try {
      const run = (await stack.client.dispatcher.submit(
        WEEK,
        { file_path: SAMPLE },
        { lane: 'background', wait: true },
      )) as ExecutionRecord;
      expect(run).toMatchObject({
        status: 'failed',
        errorCode: 'EXECUTION_FAILED',
        errorStage: 'normalize',
        errorMessage: 'normalize is broken',
      });
      const [dl] = stack.client.deadLetters.list();
      expect(dl).toMatchObject({
        execution_id: run.id,
        pipeline: WEEK,
        stage: 'normalize',
        attempts: 3,
        status: 'open',
        error_message: 'normalize is broken',
      });
      expect(
        eventsOf(stack.client.db, run.id)
          .map((e) => e.event_type)
          .slice(-3),
      ).toEqual(['stage_started', 'failed', 'dead_lettered']);
      expect(retries(stack.client.db, run.id)).toEqual([
        ['normalize', 1, 50, 'EXECUTION_FAILED'],
        ['normalize', 2, 100, 'EXECUTION_FAILED'],
      ]);
      // Alerts are sent (and awaited) by the recordFailure activity; once the workflow has closed no activity
      // of this run can send another one.
      const handle = temporal().client.workflow.getHandle(run.workflowId as string);
      await expect(handle.result()).rejects.toThrow();
      expect((await handle.describe()).status.name).toBe('FAILED');
      expect(webhook.bodies).toEqual([
        expect.objectContaining({
          kind: 'dead_letter',
          dead_letter_id: dl?.id,
          execution_id: run.id,
          stage: 'normalize',
          attempts: 3,
        }),
      ]);

      rmSync(faults);
      const replay = await runSpine(['dlq', 'replay', String(dl?.id), '--wait', '--json'], {
        dbPath: stack.dbPath,
        devDir: dir.join('.data'),
        env: {
          SPINE_TEMPORAL_ADDRESS: temporal().address,
          SPINE_TEMPORAL_NAMESPACE: temporal().namespace,
          SPINE_TASK_QUEUE: stack.taskQueue,
        },
      });
      expect(replay.code, replay.stderr).toBe(0);
      const { execution, deadLetter } = replay.json<ReplayResult>();
      expect(execution).toMatchObject({
        status: 'completed',
        backend: 'temporal',
        lane: 'background',
        triggerSource: 'retry',
      });
      expect(deadLetter).toMatchObject({ id: dl?.id, status: 'replayed', replayed_execution_id: execution.id });
      expect(webhook.bodies).toHaveLength(1);
    } finally {
      await worker.stop();
      stack.cleanup();
      await webhook.close();
    }
  });
  it("`spine dlq replay --wait` exits with the replayed run's outcome: 1 when it fails again", async () => {
    dir = tempDir('spine-dlq-fail-');
    const faults = writeFaultsFile(dir.join('faults.json'), {
      [`${WEEK}/normalize`]: { always: true, message: 'normalize is still broken' },
    });
    const retry = { SPINE_RETRY_INITIAL_MS: '50', SPINE_RETRY_MAX_ATTEMPTS: '2' };
    restoreEnv = setEnv({ SPINE_FAULTS_FILE: faults, ...retry });
    const stack = openTestStack(temporal(), { name: 'dlq-fail', dir });
    const worker = await stack.startWorker();
    try {
      const run = (await stack.client.dispatcher.submit(
        WEEK,
        { file_path: SAMPLE },
        { lane: 'background', wait: true },
      )) as ExecutionRecord;
      expect(run.status).toBe('failed');
      const [dl] = stack.client.deadLetters.list();

      const replay = await runSpine(['dlq', 'replay', String(dl?.id), '--wait', '--json'], {
        dbPath: stack.dbPath,
        devDir: dir.join('.data'),
        env: {
          SPINE_TEMPORAL_ADDRESS: temporal().address,
          SPINE_TEMPORAL_NAMESPACE: temporal().namespace,
          SPINE_TASK_QUEUE: stack.taskQueue,
          ...retry,
        },
      });
      expect(replay.code, replay.stderr).toBe(1);
      const { error } = replay.json<{
        error: { code: string; exitCode: number; details: { execution: ExecutionRecord; deadLetter: unknown } };
      }>();
      expect(error).toMatchObject({
        code: 'EXECUTION_FAILED',
        exitCode: 1,
        details: {
          execution: { status: 'failed', backend: 'temporal', triggerSource: 'retry', errorStage: 'normalize' },
          deadLetter: { id: dl?.id, status: 'replayed' },
        },
      });
      const replayed = error.details.execution;
      // The failed replay is dead-lettered in turn; the original points at it.
      expect(stack.client.deadLetters.list().map((d) => [d.execution_id, d.status, d.replayed_execution_id])).toEqual([
        [replayed.id, 'open', null],
        [run.id, 'replayed', replayed.id],
      ]);
    } finally {
      await worker.stop();
      stack.cleanup();
    }
  });
});
