import type { ChildRequest } from '../contracts/execution.js';
import type { RunPipelineInput } from '../contracts/temporal/run-pipeline.js';
import { workflowIdFor } from '../contracts/temporal/task-queue.js';
import type { ExecutionBackend } from '../core/dispatch/backend.js';
import { isDryRun } from '../core/dispatch/dispatcher.js';
import { toSpineError } from '../core/errors.js';
import type { ExecutionRecord, ExecutionRow, ExecutionStore } from '../core/execution/execution-store.js';
import { toExecutionRecord } from '../core/execution/execution-store.js';
import type { PipelineDefinition } from '../core/pipeline/types.js';
import type { ActivityDeps } from './deps.js';
import { planRun } from './run-plan.js';

/** A child the parent workflow can start, or the reason it could not be recorded (bad params …). */
export type PreparedChild =
  | {
      readonly label: string;
      readonly executionId: string;
      readonly workflowId: string;
      readonly input: RunPipelineInput;
    }
  | { readonly label: string; readonly executionId: string; readonly error: string };

export interface PrepareChildrenInput {
  readonly parentExecutionId: string;
  readonly requests: readonly ChildRequest[];
}

/**
 * Children get their own workflow id from their execution id, not from the logical key: a child must not
 * attach to (or collide with) an unrelated top-level run of the same week.
 */
export function childWorkflowId(pipeline: string, executionId: string): string {
  return workflowIdFor(pipeline, null, executionId);
}

/**
 * The worker's background lane: records a child execution (row, `submitted` event, workflow id) and
 * returns it pending. The parent workflow then runs it as a child workflow.
 */
export class ChildRecorderBackend implements ExecutionBackend {
  readonly name = 'temporal' as const;
  readonly #store: ExecutionStore;

  constructor(store: ExecutionStore) {
    this.#store = store;
  }

  start(execution: ExecutionRecord, def: PipelineDefinition): Promise<ExecutionRecord> {
    this.#store.setWorkflowId(execution.id, childWorkflowId(def.name, execution.id));
    return Promise.resolve(this.#store.get(execution.id) as ExecutionRecord);
  }
}

function matches(row: ExecutionRecord, request: ChildRequest): boolean {
  return (
    row.pipeline === request.pipeline &&
    Object.entries(request.params).every(([k, v]) => String(row.params[k] as string | number | boolean) === String(v))
  );
}

/**
 * Fan-out: records each requested child through the dispatcher (params validated, parent id and the
 * parent's batch id on the row) and returns the workflow inputs. Idempotent: a retried call reuses
 * the children an earlier attempt recorded instead of creating duplicates.
 */
export function createChildActivities(deps: ActivityDeps) {
  return {
    async prepareChildren(input: PrepareChildrenInput): Promise<PreparedChild[]> {
      const parent = deps.store.get(input.parentExecutionId);
      if (!parent) throw new Error(`Parent execution ${input.parentExecutionId} not found`);
      const existing = (
        deps.db
          .prepare('SELECT * FROM core_executions WHERE parent_execution_id = ? ORDER BY created_at, rowid')
          .all(parent.id) as ExecutionRow[]
      ).map(toExecutionRecord);
      const prepared: PreparedChild[] = [];
      for (const request of input.requests) {
        const reuse = existing.findIndex((row) => matches(row, request));
        let child: ExecutionRecord;
        if (reuse >= 0) {
          child = existing.splice(reuse, 1)[0] as ExecutionRecord;
        } else {
          try {
            const submitted = await deps.dispatcher.submit(request.pipeline, request.params, {
              lane: 'background',
              trigger: parent.triggerSource,
              parentExecutionId: parent.id,
              ...(parent.batchId ? { batchId: parent.batchId } : {}),
            });
            if (isDryRun(submitted)) throw new Error('unexpected dry run');
            child = submitted;
          } catch (err) {
            prepared.push({ label: request.label, executionId: '', error: toSpineError(err).message });
            continue;
          }
        }
        const def = deps.registry.get(child.pipeline);
        prepared.push({
          label: request.label,
          executionId: child.id,
          workflowId: child.workflowId ?? childWorkflowId(child.pipeline, child.id),
          input: planRun(def, child),
        });
      }
      return prepared;
    },
  };
}
