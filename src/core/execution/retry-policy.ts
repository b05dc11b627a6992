import type { RetryPolicySpec } from '../../contracts/execution.js';
import { DEFAULT_RETRY_POLICY } from '../../contracts/execution.js';
import type { PipelineDefinition, StageDefinition } from '../pipeline/types.js';

/** Per stage class defaults: network I/O gets more patience than local SQLite work. */
const CLASS_DEFAULTS: Record<NonNullable<StageDefinition['retryClass']>, Partial<RetryPolicySpec>> = {
  default: {},
  db: {},
  io: { maximumAttempts: 6 },
};

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got '${raw}'`);
  return n;
}

/**
 * The retry policy for one stage: class defaults, then the pipeline's override, then the environment
 * (`SPINE_RETRY_INITIAL_MS`, `SPINE_RETRY_BACKOFF`, `SPINE_RETRY_MAX_INTERVAL_MS`, `SPINE_RETRY_MAX_ATTEMPTS`).
 * Both backends use this one function, so sync and Temporal retry the same way.
 */
export function retryPolicyFor(
  def: Pick<PipelineDefinition, 'retryPolicy'>,
  stage: Pick<StageDefinition, 'retryClass'>,
  env: NodeJS.ProcessEnv = process.env,
): RetryPolicySpec {
  const base: RetryPolicySpec = {
    ...DEFAULT_RETRY_POLICY,
    ...CLASS_DEFAULTS[stage.retryClass ?? 'default'],
    ...def.retryPolicy,
  };
  const fromEnv = {
    initialIntervalMs: envNumber(env, 'SPINE_RETRY_INITIAL_MS'),
    backoffCoefficient: envNumber(env, 'SPINE_RETRY_BACKOFF'),
    maximumIntervalMs: envNumber(env, 'SPINE_RETRY_MAX_INTERVAL_MS'),
    maximumAttempts: envNumber(env, 'SPINE_RETRY_MAX_ATTEMPTS'),
  };
  const out: Record<string, number> = { ...base };
  for (const [k, v] of Object.entries(fromEnv)) if (v !== undefined) out[k] = v;
  return out as unknown as RetryPolicySpec;
}
