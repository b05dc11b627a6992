/**
 * The local-lifecycle change without its `patched()` guard, for the replay test: `startExecution` as a
 * local activity unconditionally. Histories recorded before the patch scheduled it as a regular activity,
 * so replaying them with this code must fail: that is what the guard in run-pipeline.ts prevents.
 */
import { proxyLocalActivities } from '@temporalio/workflow';
import type { SpineActivities } from '../../../src/activities/index.js';
import type { RunPipelineInput, RunPipelineResult } from '../../../src/contracts/temporal/run-pipeline.js';
import { LOCAL_LIFECYCLE_ACTIVITY_OPTIONS } from '../../../src/workflows/activity-options.js';

const { startExecution, finishExecution } = proxyLocalActivities<SpineActivities>(LOCAL_LIFECYCLE_ACTIVITY_OPTIONS);

export async function runPipeline(input: RunPipelineInput): Promise<RunPipelineResult> {
  await startExecution({ executionId: input.executionId });
  const result = await finishExecution({ executionId: input.executionId, pipeline: input.pipeline, state: {} });
  return { executionId: input.executionId, status: 'completed', result };
}
