import { createChildActivities } from './child-executions.js';
import type { ActivityDeps } from './deps.js';
import { createLifecycleActivities } from './lifecycle-activities.js';
import { createScheduledActivities } from './scheduled-executions.js';
import { createStageActivity } from './stage-activity.js';

export type { ActivityDeps } from './deps.js';
export { ChildRecorderBackend } from './child-executions.js';
export type { PreparedChild, PrepareChildrenInput } from './child-executions.js';
export type { FinishExecutionInput, RecordFailureInput, ExecutionRef } from './lifecycle-activities.js';
export type { StageActivityInput } from './stage-activity.js';
export type { FailureDetails } from './failures.js';

/**
 * Every activity the `runPipeline` workflow calls, closed over one Spine. The worker registers the
 * returned object; the workflow types its proxies with `SpineActivities` (a type import only).
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createLifecycleActivities(deps),
    ...createChildActivities(deps),
    ...createScheduledActivities(deps),
    runStage: createStageActivity(deps),
  };
}

export type SpineActivities = ReturnType<typeof createActivities>;
