/**
 * Replays histories recorded from real runs (tests/replay/histories, see docs/temporal.md for how to
 * record one) against the current workflow code: a change that breaks running workflows fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import type { WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logging/logger.js';
import { bundleSpineWorkflows } from '../../src/worker/create-worker.js';
import { ensureRuntime } from '../../src/worker/runtime.js';

const HISTORIES = new URL('./histories/', import.meta.url);
const histories = readdirSync(HISTORIES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => {
    const json = JSON.parse(readFileSync(new URL(file, HISTORIES), 'utf8')) as unknown;
    return { file, history: historyFromJSON(json) };
  });

describe('workflow replay', () => {
  let current: WorkflowBundle;
  let changed: WorkflowBundle;
  let unpatched: WorkflowBundle;
  beforeAll(async () => {
    ensureRuntime(silentLogger, { shutdownSignals: [] });
    [current, changed, unpatched] = await Promise.all([
      bundleSpineWorkflows(),
      bundleSpineWorkflows(fileURLToPath(new URL('./variants/skips-start-execution.ts', import.meta.url))),
      bundleSpineWorkflows(fileURLToPath(new URL('./variants/unpatched-local-lifecycle.ts', import.meta.url))),
    ]);
  }, 60_000);

  // Each run shape twice: recorded before the local-lifecycle patch (lifecycle writes as regular
  // activities: runs that may still be open when a worker is upgraded) and after it (local activities).
  it('has recorded histories: a completed run, a dead-lettered run, a fan-out with children, a scheduled run', () => {
    expect(histories.map((h) => h.file)).toEqual([
      'backfill-with-failing-children-local-lifecycle.json',
      'backfill-with-failing-children.json',
      'scheduled-captures-gc.json',
      'week-completed-local-lifecycle.json',
      'week-completed.json',
      'week-dead-lettered-local-lifecycle.json',
      'week-dead-lettered.json',
    ]);
  });

  it.each(histories)('$file takes one lifecycle path from start to end', ({ file, history }) => {
    const events = history.events ?? [];
    const scheduled = events
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((name): name is string => typeof name === 'string');
    const markers = events.filter((e) => e.markerRecordedEventAttributes).length;
    if (file.includes('local-lifecycle')) {
      // The patch marker, then startExecution as a local-activity marker; no lifecycle write on the server.
      expect(markers).toBeGreaterThanOrEqual(2);
      expect(scheduled.filter((n) => ['startExecution', 'finishExecution', 'prepareChildren'].includes(n))).toEqual([]);
    } else {
      expect(markers).toBe(0);
    }
  });

  it.each(histories)('replays $file with the current workflow code', async ({ history }) => {
    await expect(
      Worker.runReplayHistory({ workflowBundle: current, replayName: 'spine-replay' }, history),
    ).resolves.toBeUndefined();
  });

  it.each(histories)('rejects a non-deterministic change on $file', async ({ history }) => {
    await expect(
      Worker.runReplayHistory({ workflowBundle: changed, replayName: 'spine-replay' }, history),
    ).rejects.toThrow(DeterminismViolationError);
  });

  const beforePatch = histories.filter((h) => !h.file.includes('local-lifecycle') && !h.file.startsWith('scheduled'));
  it.each(beforePatch)(
    'needs the patch guard: local lifecycle activities without it break $file',
    async ({ history }) => {
      await expect(
        Worker.runReplayHistory({ workflowBundle: unpatched, replayName: 'spine-replay' }, history),
      ).rejects.toThrow(DeterminismViolationError);
    },
  );
});
