import type { ExecutionRecord } from '../../core/execution/execution-store.js';
import { ErrorCodes, SpineError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';

/**
 * The error a command throws when the run it followed failed, so the CLI exits with the run's outcome
 * (the run's own error code when it is a known one, else EXECUTION_FAILED: exit 1) for a failed or
 * cancelled run. Undefined for any other status. `details` carries the execution (and whatever the command adds).
 */
export function failedRunError(
  execution: ExecutionRecord,
  details: Record<string, unknown> = {},
): SpineError | undefined {
  if (execution.status !== 'failed' && execution.status !== 'cancelled') return undefined;
  const code = (Object.values(ErrorCodes) as string[]).includes(execution.errorCode ?? '')
    ? (execution.errorCode as ErrorCode)
    : ErrorCodes.EXECUTION_FAILED;
  return new SpineError(
    code,
    `Execution ${execution.id} ${execution.status}${execution.errorStage ? ` in stage ${execution.errorStage}` : ''}: ${execution.errorMessage ?? 'unknown error'}`,
    { details: { execution, hint: `spine executions show ${execution.id.slice(0, 8)}`, ...details } },
  );
}
