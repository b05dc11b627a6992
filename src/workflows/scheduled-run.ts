import { ApplicationFailure, executeChild, proxyActivities } from '@temporalio/workflow';
import type { RunPipelineInput, RunPipelineResult } from '../contracts/temporal/run-pipeline.js';
import { RUN_PIPELINE_WORKFLOW } from '../contracts/temporal/run-pipeline.js';
import type { ScheduledRunInput } from '../contracts/temporal/scheduled-run.js';
import { runMemo, startSearchAttributes } from '../contracts/temporal/search-attributes.js';
import type { SpineActivities } from '../activities/index.js';
import { LIFECYCLE_ACTIVITY_OPTIONS } from './activity-options.js';

type RunPipeline = (input: RunPipelineInput) => Promise<RunPipelineResult>;

/**
 * What a Temporal Schedule starts (e.g. the weekly `captures.gc`): records the execution like any other
 * submission, then runs it as a `runPipeline` child. A failed run fails this workflow, so a schedule with
 * `pauseOnFailure` stops firing until someone looks.
 */
export async function scheduledRun(input: ScheduledRunInput): Promise<RunPipelineResult> {
  const { submitScheduled } = proxyActivities<SpineActivities>(LIFECYCLE_ACTIVITY_OPTIONS);
  const prepared = await submitScheduled(input);
  if ('error' in prepared) throw ApplicationFailure.nonRetryable(prepared.error, 'INVALID_PARAMS');
  return executeChild<RunPipeline>(RUN_PIPELINE_WORKFLOW, {
    workflowId: prepared.workflowId,
    args: [prepared.input],
    typedSearchAttributes: startSearchAttributes(prepared.input),
    memo: runMemo(prepared.input),
  });
}
