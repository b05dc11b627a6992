import { createHash } from 'node:crypto';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Client, ScheduleOptions, ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import { SCHEDULED_RUN_WORKFLOW } from '../../contracts/temporal/scheduled-run.js';
import type { ScheduledRunInput } from '../../contracts/temporal/scheduled-run.js';
import { SpinePipeline } from '../../contracts/temporal/search-attributes.js';
import { ErrorCodes, SpineError } from '../../core/errors.js';
import type { scheduledRun } from '../../workflows/scheduled-run.js';

/** A schedule as code: the desired state `spine schedules ensure` converges the server to. */
export interface SpineSchedule {
  readonly scheduleId: string;
  readonly description: string;
  readonly pipeline: string;
  readonly params: ScheduledRunInput['params'];
  readonly cron: string;
  /** A run missed while the server was down is still started within this window (then skipped). */
  readonly catchupWindow: string;
}

/**
 * The schedules Market Spine runs: weekly `captures.gc` (Sunday 03:00 UTC, keep 3). `SPINE_GC_CRON` and
 * `SPINE_GC_KEEP` change them; `spine schedules ensure` applies a change to the existing schedule.
 * `SPINE_SCHEDULE_PREFIX` (default `spine`) names them, so tests against a shared server keep apart.
 */
export function desiredSchedules(env: NodeJS.ProcessEnv = process.env): SpineSchedule[] {
  const keep = Number(env['SPINE_GC_KEEP'] ?? 3);
  if (!Number.isInteger(keep) || keep < 1)
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `SPINE_GC_KEEP must be a positive integer, got '${env['SPINE_GC_KEEP']}'`,
    );
  return [
    {
      scheduleId: `${env['SPINE_SCHEDULE_PREFIX'] ?? 'spine'}-captures-gc`,
      description: 'Weekly capture gc: keep the newest published captures per (week, tier), prune old history',
      pipeline: 'captures.gc',
      params: { keep },
      cron: env['SPINE_GC_CRON'] ?? '0 3 * * 0',
      catchupWindow: '1 day',
    },
  ];
}

type Action = ScheduleOptionsStartWorkflowAction<typeof scheduledRun>;

/** The action, spec and policies for one schedule; the hash of the desired state rides in the action's memo. */
function scheduleOptions(
  s: SpineSchedule,
  taskQueue: string,
): Omit<ScheduleOptions<Action>, 'scheduleId'> & { specHash: string } {
  const specHash = createHash('sha256')
    .update(JSON.stringify({ ...s, taskQueue }))
    .digest('hex')
    .slice(0, 16);
  const input: ScheduledRunInput = { scheduleId: s.scheduleId, pipeline: s.pipeline, params: s.params };
  return {
    specHash,
    spec: { cronExpressions: [s.cron], timezone: 'UTC' },
    action: {
      type: 'startWorkflow',
      workflowType: SCHEDULED_RUN_WORKFLOW,
      taskQueue,
      args: [input],
      memo: { specHash, description: s.description },
      typedSearchAttributes: [{ key: SpinePipeline, value: s.pipeline }],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: s.catchupWindow, pauseOnFailure: true },
  };
}

export interface EnsureResult {
  readonly scheduleId: string;
  readonly outcome: 'created' | 'updated' | 'unchanged';
}

/**
 * Idempotent: creates a missing schedule, updates one whose desired state changed (keeping its paused
 * state and note), leaves an identical one alone. Never deletes and re-creates (that would lose history).
 */
export async function ensureSchedules(
  client: Client,
  taskQueue: string,
  schedules: readonly SpineSchedule[],
): Promise<EnsureResult[]> {
  const results: EnsureResult[] = [];
  for (const s of schedules) {
    const { specHash, ...options } = scheduleOptions(s, taskQueue);
    try {
      await client.schedule.create<typeof scheduledRun>({ scheduleId: s.scheduleId, ...options });
      results.push({ scheduleId: s.scheduleId, outcome: 'created' });
      continue;
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
    const handle = client.schedule.getHandle(s.scheduleId);
    const current = await handle.describe();
    if (current.action.memo?.['specHash'] === specHash) {
      results.push({ scheduleId: s.scheduleId, outcome: 'unchanged' });
      continue;
    }
    await handle.update<typeof scheduledRun>((previous) => ({
      ...options,
      state: { paused: previous.state.paused, note: previous.state.note },
    }));
    results.push({ scheduleId: s.scheduleId, outcome: 'updated' });
  }
  return results;
}

export interface ScheduleStatus {
  readonly scheduleId: string;
  readonly exists: boolean;
  readonly pipeline: string;
  readonly cron: string;
  readonly paused: boolean | null;
  readonly note: string | null;
  readonly nextRuns: readonly string[];
  readonly recentRuns: number;
  readonly upToDate: boolean | null;
}

export async function describeSchedules(
  client: Client,
  taskQueue: string,
  schedules: readonly SpineSchedule[],
): Promise<ScheduleStatus[]> {
  const out: ScheduleStatus[] = [];
  for (const s of schedules) {
    const base = { scheduleId: s.scheduleId, pipeline: s.pipeline, cron: s.cron };
    try {
      const d = await client.schedule.getHandle(s.scheduleId).describe();
      out.push({
        ...base,
        exists: true,
        paused: d.state.paused,
        note: d.state.note ?? null,
        nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
        recentRuns: d.info.recentActions.length,
        upToDate: d.action.memo?.['specHash'] === scheduleOptions(s, taskQueue).specHash,
      });
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      out.push({ ...base, exists: false, paused: null, note: null, nextRuns: [], recentRuns: 0, upToDate: null });
    }
  }
  return out;
}

/** pause | unpause | trigger | delete on one schedule; a missing schedule is NOT_FOUND with a hint. */
export async function controlSchedule(
  client: Client,
  scheduleId: string,
  action: 'pause' | 'unpause' | 'trigger' | 'delete',
  note?: string,
): Promise<void> {
  const handle = client.schedule.getHandle(scheduleId);
  try {
    if (action === 'pause') await handle.pause(note ?? 'paused with spine schedules pause');
    else if (action === 'unpause') await handle.unpause(note ?? 'unpaused with spine schedules unpause');
    else if (action === 'trigger') await handle.trigger();
    else await handle.delete();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) {
      throw new SpineError(ErrorCodes.NOT_FOUND, `Schedule ${scheduleId} not found`, {
        details: { hint: 'spine schedules ensure' },
      });
    }
    throw err;
  }
}

/** The schedule a command means: the one named, else the (only) desired one. */
export function scheduleIdOr(id: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return id ?? (desiredSchedules(env)[0] as SpineSchedule).scheduleId;
}
