import { ApplicationFailure } from '@temporalio/activity';
import type { EventError } from '../contracts/events.js';
import type { JsonObject, PipelineState } from '../contracts/execution.js';
import type { ExecutionRecord } from '../core/execution/execution-store.js';
import type { ActivityDeps } from './deps.js';

export interface ExecutionRef {
  readonly executionId: string;
}

export interface RecordFailureInput extends ExecutionRef {
  readonly stage: string;
  readonly attempts: number;
  readonly error: EventError;
  /** True when a retryable error exhausted its attempts: dead letter, event, alert. */
  readonly deadLetter: boolean;
}

export interface FinishExecutionInput extends ExecutionRef {
  readonly pipeline: string;
  readonly state: PipelineState;
  readonly captureId?: string;
}

/**
 * Lifecycle mirroring: every transition of a Temporal run lands in core_executions and
 * core_execution_events with the same event types as the sync backend. Each write is idempotent
 * (event idempotency keys, dead letters unique per execution and stage), so activity retries are safe.
 */
export function createLifecycleActivities(deps: ActivityDeps) {
  const { store, events } = deps;

  function executionOf(executionId: string): ExecutionRecord {
    const execution = store.get(executionId);
    if (!execution) {
      // The worker and the client disagree about the database: no retry can fix that.
      throw ApplicationFailure.nonRetryable(
        `Execution ${executionId} is not in this worker's database; the worker and the CLI must share SPINE_DATABASE_PATH`,
        'NOT_FOUND',
      );
    }
    return execution;
  }

  return {
    startExecution({ executionId }: ExecutionRef): Promise<void> {
      executionOf(executionId);
      store.markRunning(executionId);
      events.write(executionId, { type: 'started' });
      return Promise.resolve();
    },

    async recordFailure(input: RecordFailureInput): Promise<number | null> {
      const execution = executionOf(input.executionId);
      const { stage, error, attempts: attempt } = input;
      events.write(execution.id, { type: 'failed', stage, attempt, error });
      let deadLetterId: number | null = null;
      if (input.deadLetter) {
        deadLetterId = await deps.deadLetters.record({ execution, stage, error, attempts: attempt });
        events.write(execution.id, {
          type: 'dead_lettered',
          stage,
          attempt,
          error,
          payload: { dead_letter_id: deadLetterId },
        });
      }
      store.finish(execution.id, 'failed', { errorCode: error.type, errorMessage: error.message, errorStage: stage });
      return deadLetterId;
    },

    finishExecution(input: FinishExecutionInput): Promise<JsonObject> {
      executionOf(input.executionId);
      const def = deps.registry.get(input.pipeline);
      const result = def.summarize ? def.summarize(input.state) : input.state;
      events.write(input.executionId, {
        type: 'completed',
        payload: result,
        ...(input.captureId ? { captureId: input.captureId } : {}),
      });
      store.finish(input.executionId, 'completed', { result });
      return Promise.resolve(result);
    },

    markCancelled({ executionId }: ExecutionRef): Promise<void> {
      executionOf(executionId);
      events.write(executionId, { type: 'cancelled' });
      store.finish(executionId, 'cancelled', { errorCode: 'CANCELLED', errorMessage: 'The workflow was cancelled' });
      return Promise.resolve();
    },
  };
}
