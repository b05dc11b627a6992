import type { RunPipelineInput } from '../contracts/temporal/run-pipeline.js';
import { DEFAULT_CHILD_CONCURRENCY } from '../contracts/temporal/run-pipeline.js';
import { heartbeatTimeoutFrom } from '../contracts/liveness.js';
import type { ExecutionRecord } from '../core/execution/execution-store.js';
import { retryPolicyFor } from '../core/execution/retry-policy.js';
import type { PipelineDefinition } from '../core/pipeline/types.js';

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return n;
}

/**
 * The workflow input for a recorded execution: its stages with the retry policy core computes for each
 * (the same `retryPolicyFor` the sync backend uses), so both backends retry alike. Used by the client
 * for top-level runs and by the `prepareChildren` activity for fan-out children.
 * `SPINE_CHILD_CONCURRENCY` (default 4; never above the pipeline's `maxChildConcurrency`) and
 * `SPINE_HEARTBEAT_TIMEOUT_MS` (default 30 s) tune it.
 */
export function planRun(
  def: PipelineDefinition,
  execution: Pick<ExecutionRecord, 'id' | 'params' | 'batchId' | 'parentExecutionId'>,
  env: NodeJS.ProcessEnv = process.env,
): RunPipelineInput {
  return {
    executionId: execution.id,
    pipeline: def.name,
    stages: def.stages.map((stage) => ({ name: stage.name, retry: retryPolicyFor(def, stage, env) })),
    params: execution.params as Record<string, string | number | boolean>,
    batchId: execution.batchId ?? execution.id,
    ...(execution.parentExecutionId ? { parentExecutionId: execution.parentExecutionId } : {}),
    childConcurrency: Math.min(
      positiveInt(env, 'SPINE_CHILD_CONCURRENCY', DEFAULT_CHILD_CONCURRENCY),
      def.maxChildConcurrency ?? Number.MAX_SAFE_INTEGER,
    ),
    heartbeatTimeoutMs: heartbeatTimeoutFrom(env),
  };
}
