import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { describe, expect, it, vi } from 'vitest';
import {
  SpineCaptureId,
  SpineExecutionId,
  SpinePipeline,
  SpineTier,
  SpineWeekEnding,
} from '../../../src/contracts/temporal/search-attributes.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { OTC_CAPTURE_TABLES, OTC_TABLES } from '../../../src/domains/otc/constants.js';
import { captureLogs } from '../../helpers/capture-logs.js';
import { eventStory, tableSnapshot } from '../../helpers/temporal-parity.js';
import { openTestStack, setTemporalTestLogger, useTestTemporal } from '../../helpers/temporal-env.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import { waitFor } from '../../helpers/wait-for.js';

const WEEK = 'finra.otc_transparency.week';
const WEEK_STAGES = [
  'ingest',
  'normalize',
  'aggregate',
  'venue_share',
  'symbol_venue_calcs',
  'rolling',
  'publish',
  'recompute',
];
const SAMPLE = fileURLToPath(new URL('../../../data/samples/finra_otc_weekly_otc_20251215.csv', import.meta.url));
const VOLATILE_RESULT_KEYS = new Set(['capture_id', 'captured_at']);

function stableResult(e: ExecutionRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(e.result ?? {}).filter(([k]) => !VOLATILE_RESULT_KEYS.has(k)));
}

const captureOf = (e: ExecutionRecord): string => String(e.result?.['capture_id']);

describe('the week pipeline on Temporal', () => {
  const temporal = useTestTemporal();

  it('writes exactly the rows and events of the sync run, findable by search attributes, one execution_id throughout', async () => {
    const logs = captureLogs('debug');
    setTemporalTestLogger(logs.log);
    const stack = openTestStack(temporal(), { name: 'parity', log: logs.log });
    const sync = openTempSpine();
    const worker = await stack.startWorker();
    try {
      const syncRun = (await sync.spine.dispatcher.submit(WEEK, { file_path: SAMPLE })) as ExecutionRecord;
      const asyncRun = (await stack.client.dispatcher.submit(
        WEEK,
        { file_path: SAMPLE },
        { lane: 'background', wait: true },
      )) as ExecutionRecord;

      expect(syncRun.status).toBe('completed');
      expect(asyncRun).toMatchObject({ status: 'completed', backend: 'temporal', lane: 'background' });
      expect(asyncRun.workflowId).toMatch(/^spine:finra\.otc_transparency\.week:/);
      const rawRows = stack.client.db.prepare(`SELECT COUNT(*) AS n FROM ${OTC_TABLES.raw}`).get() as { n: number };
      expect(rawRows.n).toBe(5328);
      for (const table of OTC_CAPTURE_TABLES) {
        expect(tableSnapshot(stack.client.db, table, [captureOf(asyncRun)]), table).toEqual(
          tableSnapshot(sync.spine.db, table, [captureOf(syncRun)]),
        );
      }
      expect(stableResult(asyncRun)).toEqual(stableResult(syncRun));
      expect(eventStory(stack.client.db, asyncRun.id)).toEqual(eventStory(sync.spine.db, syncRun.id));

      // SQLite says completed as soon as the finishing activity ran; the workflow closes a moment later.
      // The workflow id is the partition's: another file on the suite's server may run the same week after this
      // one, so the run is found by its execution id (visibility lags a moment) and pinned by its run id.
      const runId = await waitFor(async () => {
        for await (const w of temporal().client.workflow.list({ query: `SpineExecutionId = '${asyncRun.id}'` }))
          return w.runId;
        return undefined;
      }, `the workflow run of ${asyncRun.id} in visibility`);
      const handle = temporal().client.workflow.getHandle(asyncRun.workflowId as string, runId);
      await handle.result();
      const desc = await handle.describe();
      expect(desc.status.name).toBe('COMPLETED');
      expect(desc.typedSearchAttributes.get(SpinePipeline)).toBe(WEEK);
      expect(desc.typedSearchAttributes.get(SpineExecutionId)).toBe(asyncRun.id);
      expect(desc.typedSearchAttributes.get(SpineWeekEnding)).toBe('2025-12-12');
      expect(desc.typedSearchAttributes.get(SpineTier)).toBe('OTC');
      expect(desc.typedSearchAttributes.get(SpineCaptureId)).toBe(asyncRun.result?.['capture_id']);
      expect(desc.memo).toEqual({ executionId: asyncRun.id, params: asyncRun.params });
      // The Web UI tells the same story: the run's summary names pipeline, week and tier, and each
      // activity in its timeline names its stage (user metadata) instead of eight identical `runStage`.
      expect(await desc.staticSummary()).toBe(`${WEEK} · week 2025-12-12 · OTC · execution ${asyncRun.id.slice(0, 8)}`);
      const history = await handle.fetchHistory();
      const stageSummaries = (history.events ?? [])
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runStage')
        .map((e) => defaultPayloadConverter.fromPayload<string>(e.userMetadata?.summary as Payload));
      expect(stageSummaries).toEqual(WEEK_STAGES.map((s, i) => `stage ${i + 1}/${WEEK_STAGES.length} ${s}`));

      // Workflow log lines reach the worker's logger through a sink after the activation, so they can
      // arrive a moment after the run closed: wait for the last one before reading them all.
      await vi.waitFor(
        () =>
          expect(logs.byEvent('workflow.pipeline.completed')[0]).toMatchObject({
            execution_id: asyncRun.id,
            sdk_component: 'workflow',
          }),
        { timeout: 10_000 },
      );
      // Client, workflow and activity lines of the run all carry its execution id.
      const ofRun = logs.lines.filter(
        (l) => l['workflow_id'] === asyncRun.workflowId || l['execution_id'] === asyncRun.id,
      );
      expect(ofRun.every((l) => l['execution_id'] === asyncRun.id)).toBe(true);
      expect(logs.byEvent('execution.workflow_started')[0]?.['execution_id']).toBe(asyncRun.id);
      expect(logs.byEvent('stage.ingest.end')[0]).toMatchObject({ execution_id: asyncRun.id, backend: 'temporal' });
    } finally {
      await worker.stop();
      stack.cleanup();
      sync.cleanup();
    }
  });
});
