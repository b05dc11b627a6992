/**
 * Issue 13 item 5 on both backends: a --force revision of week 2025-12-12 (OTC) after 2025-12-19 is published
 * recomputes 2025-12-19's rolling window as a new capture, in the week pipeline's `recompute` stage, on the
 * sync backend and on Temporal alike: same partitions, same rows, same recorded inputs, nothing stale after.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { OTC_CAPTURE_TABLES } from '../../../src/domains/otc/constants.js';
import { findStaleDerived } from '../../../src/domains/otc/revisions/stale.js';
import { writeRevisedCopy } from '../../fixtures/revised/revise-otc-file.js';
import { eventStory, tableSnapshot } from '../../helpers/temporal-parity.js';
import { openTestStack, useTestTemporal } from '../../helpers/temporal-env.js';
import { openTempSpine } from '../../helpers/tmp-db.js';

const WEEK = 'finra.otc_transparency.week';
const SAMPLE_1215 = fileURLToPath(new URL('../../../data/samples/finra_otc_weekly_otc_20251215.csv', import.meta.url));
const SAMPLE_1222 = fileURLToPath(new URL('../../../data/samples/finra_otc_weekly_otc_20251222.csv', import.meta.url));

const captureIds = (db: Db): string[] =>
  (
    db.prepare('SELECT capture_id FROM core_captures ORDER BY length(capture_id) DESC').all() as {
      capture_id: string;
    }[]
  ).map((r) => r.capture_id);

const recomputed = (e: ExecutionRecord): unknown[] =>
  ((e.result?.['recomputed'] ?? []) as { week_ending: string; tier: string; datasets: string[]; rows: number }[]).map(
    (r) => [r.week_ending, r.tier, r.datasets, r.rows],
  );

describe('revision-aware recompute on Temporal', () => {
  const temporal = useTestTemporal();

  it('recomputes the same partitions with the same rows and inputs as the sync backend', async () => {
    const stack = openTestStack(temporal(), { name: 'recompute' });
    const sync = openTempSpine();
    const worker = await stack.startWorker();
    try {
      const revised = writeRevisedCopy(sync.dir.join('finra_otc_weekly_otc_20251215.csv'));
      for (const file of [SAMPLE_1215, SAMPLE_1222]) {
        expect((await sync.spine.dispatcher.submit(WEEK, { file_path: file })) as ExecutionRecord).toMatchObject({
          status: 'completed',
        });
        expect((await stack.client.dispatcher.submit(WEEK, { file_path: file })) as ExecutionRecord).toMatchObject({
          status: 'completed',
        });
      }
      const syncRun = (await sync.spine.dispatcher.submit(WEEK, {
        file_path: revised,
        force: true,
      })) as ExecutionRecord;
      const asyncRun = (await stack.client.dispatcher.submit(
        WEEK,
        { file_path: revised, force: true },
        { lane: 'background', wait: true },
      )) as ExecutionRecord;

      expect(syncRun.status).toBe('completed');
      expect(asyncRun).toMatchObject({ status: 'completed', backend: 'temporal' });
      expect(recomputed(syncRun)).toEqual([['2025-12-19', 'OTC', ['rolling_6w'], 2334]]);
      expect(recomputed(asyncRun)).toEqual(recomputed(syncRun));
      expect(findStaleDerived(sync.spine.db)).toEqual([]);
      expect(findStaleDerived(stack.client.db)).toEqual([]);
      for (const table of [...OTC_CAPTURE_TABLES, 'core_captures']) {
        expect(tableSnapshot(stack.client.db, table, captureIds(stack.client.db)), table).toEqual(
          tableSnapshot(sync.spine.db, table, captureIds(sync.spine.db)),
        );
      }
      expect(eventStory(stack.client.db, asyncRun.id)).toEqual(eventStory(sync.spine.db, syncRun.id));
      await temporal()
        .client.workflow.getHandle(asyncRun.workflowId as string)
        .result();
    } finally {
      await worker.stop();
      stack.cleanup();
      sync.cleanup();
    }
  });
});
