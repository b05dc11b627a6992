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
  /** Each start is delayed by a random 0..jitter (Temporal duration, e.g. `20m`), to spread load. */
  readonly jitter?: string;
  /** Stop firing after a failed run until someone unpauses (default true). */
  readonly pauseOnFailure?: boolean;
}

/** The sync schedules' tiers, ids and default minutes past the hour (staggered so they never start together). */
const SYNC_TIERS = [
  { tier: 'NMS_TIER_1', id: 'sync-tier1', minute: 0 },
  { tier: 'NMS_TIER_2', id: 'sync-tier2', minute: 20 },
  { tier: 'OTC', id: 'sync-otc', minute: 40 },
] as const;

/**
 * One sync schedule per tier (docs/autopilot.md "Schedules"): daily at 06:00/06:20/06:40 UTC, each start
 * jittered by up to 15 minutes, overlap SKIP (a sync still running makes the next start a no-op; one run
 * per partition guards the rest), catch-up window one day, and NOT paused on failure: a FINRA outage fails
 * that run (SOURCE_UNAVAILABLE, shown by `spine status`) and the next day's run tries again.
 * `SPINE_SYNC_CRON` replaces the cron of all three (e.g. `@every 1h`), `SPINE_SYNC_JITTER` the jitter
 * (`0s` for none), `SPINE_SYNC_LOOKBACK_WEEKS` adds lookback_weeks to the runs' params.
 */
function syncSchedules(prefix: string, env: NodeJS.ProcessEnv): SpineSchedule[] {
  const lookback = env['SPINE_SYNC_LOOKBACK_WEEKS'];
  if (lookback !== undefined && !/^[1-9]\d*$/.test(lookback))
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `SPINE_SYNC_LOOKBACK_WEEKS must be a positive integer, got '${lookback}'`,
    );
  return SYNC_TIERS.map((t) => ({
    scheduleId: `${prefix}-${t.id}`,
    description: `Daily FINRA Query API sync of ${t.tier}: new due weeks, and revisions of the recent ones`,
    pipeline: 'finra.otc_transparency.sync',
    params: { tier: t.tier, ...(lookback === undefined ? {} : { lookback_weeks: Number(lookback) }) },
    cron: env['SPINE_SYNC_CRON'] ?? `${t.minute} 6 * * *`,
    catchupWindow: '1 day',
    jitter: env['SPINE_SYNC_JITTER'] ?? '15m',
    pauseOnFailure: false,
  }));
}

/**
 * The schedules Market Spine runs: weekly `captures.gc` (Sunday 03:00 UTC, keep 3) and one daily sync per
 * tier (`syncSchedules`). `SPINE_GC_CRON` and `SPINE_GC_KEEP` change gc; `spine schedules ensure` applies
 * a change to the existing schedule.
 * `SPINE_SCHEDULE_PREFIX` (default `spine`) names them, so tests against a shared server keep apart.
 */
export function desiredSchedules(env: NodeJS.ProcessEnv = process.env): SpineSchedule[] {
  const keep = Number(env['SPINE_GC_KEEP'] ?? 3);
  if (!Number.isInteger(keep) || keep < 1)
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `SPINE_GC_KEEP must be a positive integer, got '${env['SPINE_GC_KEEP']}'`,
    );
  const prefix = env['SPINE_SCHEDULE_PREFIX'] ?? 'spine';
  return [
    {
      scheduleId: `${prefix}-captures-gc`,
      description: 'Weekly capture gc: keep the newest published captures per (week, tier), prune old history',
      pipeline: 'captures.gc',
      params: { keep },
      cron: env['SPINE_GC_CRON'] ?? '0 3 * * 0',
      catchupWindow: '1 day',
    },
    ...syncSchedules(prefix, env),
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
    spec: { cronExpressions: [s.cron], timezone: 'UTC', ...(s.jitter === undefined ? {} : { jitter: s.jitter }) },
    action: {
      type: 'startWorkflow',
      workflowType: SCHEDULED_RUN_WORKFLOW,
      taskQueue,
      args: [input],
      memo: { specHash, description: s.description },
      typedSearchAttributes: [{ key: SpinePipeline, value: s.pipeline }],
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: s.catchupWindow,
      pauseOnFailure: s.pauseOnFailure ?? true,
    },
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
  readonly params: ScheduledRunInput['params'];
  readonly cron: string;
  readonly jitter: string | null;
  readonly pauseOnFailure: boolean;
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
    const base = {
      scheduleId: s.scheduleId,
      pipeline: s.pipeline,
      params: s.params,
      cron: s.cron,
      jitter: s.jitter ?? null,
      pauseOnFailure: s.pauseOnFailure ?? true,
    };
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
