/**
 * A deliberately non-deterministic change of the Spine workflows for the replay test: each schedules a
 * different first activity than the recorded histories show (no `startExecution`, no `submitScheduled`).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { SpineActivities } from '../../../src/activities/index.js';
import type { RunPipelineInput, RunPipelineResult } from '../../../src/contracts/temporal/run-pipeline.js';
import type { ScheduledRunInput } from '../../../src/contracts/temporal/scheduled-run.js';
import { LIFECYCLE_ACTIVITY_OPTIONS } from '../../../src/workflows/activity-options.js';

const { finishExecution } = proxyActivities<SpineActivities>(LIFECYCLE_ACTIVITY_OPTIONS);

export async function runPipeline(input: RunPipelineInput): Promise<RunPipelineResult> {
  const result = await finishExecution({ executionId: input.executionId, pipeline: input.pipeline, state: {} });
  return { executionId: input.executionId, status: 'completed', result };
}

export async function scheduledRun(input: ScheduledRunInput): Promise<RunPipelineResult> {
  const result = await finishExecution({ executionId: input.scheduleId, pipeline: input.pipeline, state: {} });
  return { executionId: input.scheduleId, status: 'completed', result };
}
