import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { withLogContext } from '../core/logging/log-context.js';

function executionIdOf(arg: unknown): string | undefined {
  if (arg === null || typeof arg !== 'object') return undefined;
  const id = (arg as { executionId?: unknown }).executionId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Every Spine activity takes one input object with `executionId`: the interceptor puts it into the log
 * context of the activity (Spine lines) and into the SDK's activity log attributes (Temporal lines).
 */
export const executionIdInterceptor: ActivityInterceptorsFactory = () => {
  let executionId: string | undefined;
  return {
    inbound: {
      execute: (input, next) => {
        executionId = executionIdOf(input.args[0]);
        return executionId ? withLogContext({ execution_id: executionId }, () => next(input)) : next(input);
      },
    },
    outbound: {
      getLogAttributes: (attributes, next) =>
        next(executionId ? { execution_id: executionId, ...attributes } : attributes),
    },
  };
};
