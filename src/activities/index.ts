import { createChildActivities } from './child-executions.js';
import type { ActivityDeps } from './deps.js';
import { createLifecycleActivities } from './lifecycle-activities.js';
import { createScheduledActivities } from './scheduled-executions.js';
import { temporalRuntime } from './runtime.js';
import type { ActivityRuntime } from './runtime.js';
import { createStageActivity } from './stage-activity.js';

export type { ActivityDeps } from './deps.js';
export { ChildRecorderBackend } from './child-executions.js';
export type { PreparedChild, PrepareChildrenInput } from './child-executions.js';
export type { FinishExecutionInput, RecordFailureInput, ExecutionRef } from './lifecycle-activities.js';
export type { StageActivityInput } from './stage-activity.js';
export type { FailureDetails } from './failures.js';
export type { ActivityRuntime } from './runtime.js';

/**
 * Every activity the `runPipeline` workflow calls, closed over one Spine. The worker registers the
 * returned object; the workflow types its proxies with `SpineActivities` (a type import only).
 */
export function createActivities(deps: ActivityDeps, runtime: () => ActivityRuntime = temporalRuntime) {
  return {
    ...createLifecycleActivities(deps),
    ...createChildActivities(deps),
    ...createScheduledActivities(deps, runtime),
    runStage: createStageActivity(deps, runtime),
  };
}

/** The activity names, in registration order: what a stage thread can run. */
export const ACTIVITY_NAMES = [
  'startExecution',
  'recordFailure',
  'finishExecution',
  'markCancelled',
  'prepareChildren',
  'submitScheduled',
  'runStage',
] as const satisfies readonly (keyof SpineActivities)[];

export type SpineActivities = ReturnType<typeof createActivities>;

// Fails to compile when an activity is added to createActivities but not to ACTIVITY_NAMES.
type UnlistedActivity = Exclude<keyof SpineActivities, (typeof ACTIVITY_NAMES)[number]>;
const everyActivityListed: [UnlistedActivity] extends [never] ? true : never = true;
void everyActivityListed;
