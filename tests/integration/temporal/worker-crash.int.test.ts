import { openSync, closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { OTC_TABLES } from '../../../src/domains/otc/constants.js';
import { eventsOf } from '../../helpers/temporal-parity.js';
import { exited, spawnSpine } from '../../helpers/temporal-cli.js';
import { writeFinraFile } from '../../helpers/temporal-finra-file.js';
import { openTestStack, useTestTemporal, waitFor } from '../../helpers/temporal-env.js';
import { tempDir } from '../../helpers/tmp-db.js';

const ROWS = 300_000;

describe('a worker killed in the middle of an ingest', () => {
  const temporal = useTestTemporal({ bundle: false });

  it('is replaced, and the retried ingest ends with exactly the file and one published capture', async () => {
    const dir = tempDir('spine-crash-');
    const file = dir.join('finra_otc_weekly_otc_20251215.csv');
    await writeFinraFile(file, ROWS);
    const stack = openTestStack(temporal(), {
      name: 'crash',
      dir,
      env: { SPINE_HEARTBEAT_TIMEOUT_MS: '10000', SPINE_RETRY_INITIAL_MS: '100' },
    });
    const log = openSync(dir.join('workers.log'), 'a');
    const workerOptions = {
      dbPath: stack.dbPath,
      devDir: dir.join('.data'),
      logFile: log,
      env: {
        SPINE_TEMPORAL_ADDRESS: temporal().address,
        SPINE_TEMPORAL_NAMESPACE: temporal().namespace,
        SPINE_LOG_LEVEL: 'info',
      },
    };
    const workerArgs = ['worker', '--task-queue', stack.taskQueue, '--concurrency', '2'];
    let worker = spawnSpine(workerArgs, workerOptions);
    try {
      const run = (await stack.client.dispatcher.submit(
        'finra.otc_transparency.ingest_week',
        { file_path: file },
        { lane: 'background' },
      )) as ExecutionRecord;
      const { db } = stack.client;
      await waitFor(
        () => eventsOf(db, run.id, 'progress').some((e) => e.step === 'ingest.bulk_insert'),
        'the first ingest chunk',
      );
      worker.kill('SIGKILL');
      await exited(worker);
      expect(stack.client.store.get(run.id)?.status).toBe('running');
      expect(eventsOf(db, run.id, 'stage_completed')).toEqual([]);

      worker = spawnSpine(workerArgs, workerOptions);
      const final = await waitFor(
        () => {
          const e = stack.client.store.get(run.id);
          return e && ['completed', 'failed', 'cancelled'].includes(e.status) ? e : undefined;
        },
        'the retried run to finish',
        90_000,
        250,
      );

      expect(final).toMatchObject({ status: 'completed', attempts: 2 });
      const captureId = String(final.result?.['capture_id']);
      const count = (sql: string, ...args: unknown[]): number => (db.prepare(sql).get(...args) as { n: number }).n;
      expect(count(`SELECT COUNT(*) AS n FROM ${OTC_TABLES.raw} WHERE capture_id = ?`, captureId)).toBe(ROWS);
      expect(count(`SELECT COUNT(*) AS n FROM ${OTC_TABLES.raw}`)).toBe(ROWS);
      expect(db.prepare('SELECT capture_id, status FROM core_captures').all()).toEqual([
        { capture_id: captureId, status: 'published' },
      ]);
      expect(eventsOf(db, run.id, 'stage_started').map((e) => e.attempt)).toEqual([1, 2]);
      expect(eventsOf(db, run.id, 'retrying')).toEqual([
        expect.objectContaining({ stage: 'ingest', attempt: 1, error_type: 'ATTEMPT_LOST' }),
      ]);
    } finally {
      worker.kill('SIGTERM');
      await exited(worker);
      closeSync(log);
      stack.cleanup();
      dir.cleanup();
    }
    // Two 300,000-row ingests and a 5 s heartbeat timeout: it waits up to 90 s for the retried run itself.
  }, 180_000);
});
