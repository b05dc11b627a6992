/**
 * A `changed` check settled with what its week run did: `published` with the capture, `unchanged` when
 * another run published the week first (its capture stands; ours was discarded), or `failed` with why.
 */
import type { ChildOutcome, PipelineState } from '../../../contracts/execution.js';
import type { SourceCheck, SourceChecks } from './source-checks.js';

function settleOne(checks: SourceChecks, c: SourceCheck, child: ChildOutcome | undefined): void {
  if (child === undefined) return;
  const result = child.result ?? {};
  const captureId = typeof result['capture_id'] === 'string' ? result['capture_id'] : null;
  if (child.status !== 'completed') {
    checks.settle(c.id, 'failed', {
      errorCode: 'WEEK_RUN_FAILED',
      errorMessage: `${child.executionId}: ${child.error ?? child.status}`,
    });
  } else if (result['skipped'] === true) {
    checks.settle(c.id, 'unchanged', { captureId, reason: 'published_by_another_run' });
  } else {
    checks.settle(c.id, 'published', { captureId });
  }
}

/** Settles this execution's `changed` checks with the week runs in `state.children` (labelled `TIER:WEEK`). */
export function settleChanged(checks: SourceChecks, executionId: string, state: PipelineState): void {
  const children = new Map(((state['children'] ?? []) as unknown as ChildOutcome[]).map((o) => [o.label, o] as const));
  for (const c of checks.ofExecution(executionId)) {
    if (c.outcome === 'changed') settleOne(checks, c, children.get(`${c.tier}:${c.week_ending}`));
  }
}
