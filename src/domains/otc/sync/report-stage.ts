/**
 * Sync, stage 2: settle each `changed` check with what its week run did (published, with the capture, or
 * failed, with why) and build the per-week result. A run some of whose weeks failed fails too (after the
 * other weeks were published), naming them.
 */
import type { JsonObject, StageOutcome } from '../../../contracts/execution.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { SourceChecks } from './source-checks.js';
import { settleChanged } from './settle.js';

const key = (tier: string, week: string): string => `${tier}:${week}`;

export function syncReportStage(ctx: StageContext): Promise<StageOutcome> {
  const checks = new SourceChecks(ctx.db);
  settleChanged(checks, ctx.execution.executionId, ctx.state);
  const settled = checks.ofExecution(ctx.execution.executionId);
  const weeks = checks.resultOf(ctx.execution.executionId) as unknown as JsonObject[];
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
