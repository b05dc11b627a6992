import { executeChild, isCancellation, rootCause } from '@temporalio/workflow';
import type { ChildOutcome, ChildRequest } from '../contracts/execution.js';
import type { RunPipelineInput, RunPipelineResult } from '../contracts/temporal/run-pipeline.js';
import { RUN_PIPELINE_WORKFLOW } from '../contracts/temporal/run-pipeline.js';
import { runMemo, startSearchAttributes } from '../contracts/temporal/search-attributes.js';
import { workflowSummary } from '../contracts/temporal/ui-summary.js';
import type { PreparedChild, SpineActivities } from '../activities/index.js';

/** `runPipeline`'s signature, named by type so this module does not import it back (no cycle). */
type RunPipeline = (input: RunPipelineInput) => Promise<RunPipelineResult>;
type Lifecycle = Pick<SpineActivities, 'prepareChildren'>;

async function runOne(child: PreparedChild): Promise<ChildOutcome> {
  if ('error' in child)
    return { label: child.label, executionId: child.executionId, status: 'failed', error: child.error };
  try {
    const done = await executeChild<RunPipeline>(RUN_PIPELINE_WORKFLOW, {
      workflowId: child.workflowId,
      args: [child.input],
      typedSearchAttributes: startSearchAttributes(child.input),
      memo: runMemo(child.input),
      staticSummary: workflowSummary(child.input),
    });
    return { label: child.label, executionId: child.executionId, status: 'completed', result: done.result };
  } catch (err) {
    if (isCancellation(err)) throw err;
    // The child recorded its own failure (and dead letter) in SQLite; the parent reports it and goes on.
    return {
      label: child.label,
      executionId: child.executionId,
      status: 'failed',
      error: rootCause(err) ?? 'child failed',
    };
  }
}

/**
 * Fan-out: records the children (an activity, through the dispatcher's validation), then runs them as
 * child workflows at most `input.childConcurrency` at a time. Outcomes keep the request order.
 */
export async function runChildren(
  input: RunPipelineInput,
  requests: readonly ChildRequest[],
  lifecycle: Lifecycle,
  onProgress: (done: ChildOutcome[]) => void,
): Promise<ChildOutcome[]> {
  const prepared = await lifecycle.prepareChildren({ parentExecutionId: input.executionId, requests });
  const outcomes: ChildOutcome[] = new Array<ChildOutcome>(prepared.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < prepared.length) {
      const index = next++;
      outcomes[index] = await runOne(prepared[index] as PreparedChild);
      onProgress(outcomes.filter((o) => o !== undefined));
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, input.childConcurrency), prepared.length) }, lane));
  return outcomes;
}
