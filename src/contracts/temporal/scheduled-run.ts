/** The workflow a Temporal Schedule starts: it records an execution (trigger `scheduler`) and runs it. */
export const SCHEDULED_RUN_WORKFLOW = 'scheduledRun';

export interface ScheduledRunInput {
  readonly scheduleId: string;
  readonly pipeline: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
}
