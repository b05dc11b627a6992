import type { ScheduledRunInput } from '../contracts/temporal/scheduled-run.js';
import { isDryRun } from '../core/dispatch/dispatcher.js';
import { toSpineError } from '../core/errors.js';
import type { ExecutionRecord } from '../core/execution/execution-store.js';
import type { PreparedChild } from './child-executions.js';
import type { ActivityDeps } from './deps.js';
import type { ActivityRuntime } from './runtime.js';
import { planRun } from './run-plan.js';

/**
 * A schedule fired: record the execution through the dispatcher (params validated, trigger `scheduler`)
 * and hand back the child workflow to run it. The child's workflow id derives from the scheduled
 * workflow's own id, which also makes a retried call find the row its earlier attempt recorded.
 */
export function createScheduledActivities(deps: ActivityDeps, runtime: () => ActivityRuntime) {
  return {
    async submitScheduled(input: ScheduledRunInput): Promise<PreparedChild> {
      const scheduled = runtime().workflowId ?? input.scheduleId;
      const workflowId = `${scheduled}/run`;
      const label = input.scheduleId;
      let execution = deps.db.prepare('SELECT id FROM core_executions WHERE workflow_id = ?').get(workflowId) as
        { id: string } | undefined;
      if (!execution) {
        try {
          const submitted = await deps.dispatcher.submit(input.pipeline, input.params, {
            lane: 'background',
            trigger: 'scheduler',
          });
          if (isDryRun(submitted)) throw new Error('unexpected dry run');
          deps.store.setWorkflowId(submitted.id, workflowId);
          execution = submitted;
        } catch (err) {
          return { label, executionId: '', error: toSpineError(err).message };
        }
      }
      const record = deps.store.get(execution.id) as ExecutionRecord;
      return { label, executionId: record.id, workflowId, input: planRun(deps.registry.get(record.pipeline), record) };
    },
  };
}
