import { workflowInfo } from '@temporalio/workflow';
import type { WorkflowInterceptors } from '@temporalio/workflow';

/**
 * Adds the run's execution id (from the memo every Spine workflow is started with) to every workflow
 * log line, including the SDK's own, so one `execution_id` filter finds the whole run.
 */
export function interceptors(): WorkflowInterceptors {
  return {
    outbound: [
      {
        getLogAttributes: (attributes, next) => {
          const executionId = workflowInfo().memo?.['executionId'];
          return next(typeof executionId === 'string' ? { execution_id: executionId, ...attributes } : attributes);
        },
      },
    ],
  };
}
