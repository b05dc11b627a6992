/**
 * Sync, stage 2: settle each `changed` check with what its week run did (published, with the capture, or
 * failed, with why) and build the per-week result. A run some of whose weeks failed fails too (after the
 * other weeks were published), naming them.
 */
import type { ChildOutcome, JsonObject, StageOutcome } from '../../../contracts/execution.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { SourceChecks } from './source-checks.js';
import type { SourceCheck } from './source-checks.js';

const key = (tier: string, week: string): string => `${tier}:${week}`;

function settle(checks: SourceChecks, c: SourceCheck, child: ChildOutcome | undefined): void {
  if (c.outcome !== 'changed') return;
  if (child === undefined) {
    checks.settle(c.id, 'failed', { errorCode: 'NOT_RUN', errorMessage: 'no week run was recorded for it' });
    return;
  }
  const result = child.result ?? {};
  if (child.status !== 'completed') {
    checks.settle(c.id, 'failed', { errorCode: 'WEEK_RUN_FAILED', errorMessage: child.error ?? child.status });
  } else if (result['skipped'] === true) {
    // Another run published this week after our check: its capture stands, ours was discarded.
    checks.settle(c.id, 'unchanged', {
      captureId: (result['capture_id'] as string | undefined) ?? null,
      reason: 'published_by_another_run',
    });
  } else {
    checks.settle(c.id, 'published', { captureId: (result['capture_id'] as string | undefined) ?? null });
  }
}

export function syncReportStage(ctx: StageContext): Promise<StageOutcome> {
  const checks = new SourceChecks(ctx.db);
  const children = new Map(
    ((ctx.state['children'] ?? []) as unknown as ChildOutcome[]).map((o) => [o.label, o] as const),
  );
  for (const c of checks.ofExecution(ctx.execution.executionId))
    settle(checks, c, children.get(key(c.tier, c.week_ending)));
  const settled = checks.ofExecution(ctx.execution.executionId);
  const weeks: JsonObject[] = settled
    .map((c) => ({
      tier: c.tier,
      week_ending: c.week_ending,
      outcome: c.outcome,
      reason: c.reason,
      capture_id: c.capture_id,
      previous_capture_id: c.latest_capture_id,
      source_last_update_date: c.source_last_update_date,
      rows: c.rows,
      requests: c.requests,
      error_code: c.error_code,
      error: c.error_message,
    }))
    .sort((a, b) => (a.tier === b.tier ? a.week_ending.localeCompare(b.week_ending) : a.tier.localeCompare(b.tier)));
  const count = (o: string): number => settled.filter((c) => c.outcome === o).length;
  const counts = {
    checked: settled.length,
    published: count('published'),
    unchanged: count('unchanged'),
    absent: count('absent'),
    failed: count('failed'),
    requests: settled.reduce((n, c) => n + c.requests, 0),
  };
  const state = { weeks, counts };
  const failed = settled.filter((c) => c.outcome === 'failed');
  if (failed.length > 0) {
    const list = failed.map((c) =>
      `${key(c.tier, c.week_ending)}: ${c.error_code}: ${c.error_message ?? ''}`.slice(0, 300),
    );
    throw new SpineError(
      ErrorCodes.CHILDREN_FAILED,
      `Sync could not settle ${failed.length} week(s): ${list.join('; ')}`,
      { details: { weeks: failed.map((c) => key(c.tier, c.week_ending)), counts } },
    );
  }
  return Promise.resolve({ state, metrics: counts });
}
