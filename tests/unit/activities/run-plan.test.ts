/**
 * planRun: the workflow input of a recorded execution (stages with core's retry policy, batch and parent
 * ids, child concurrency and heartbeat timeout from the environment), and its refusal of bad settings.
 */
import { describe, expect, it } from 'vitest';
import { planRun } from '../../../src/activities/run-plan.js';
import type { PipelineDefinition } from '../../../src/core/pipeline/types.js';
import { actsPipeline } from '../../helpers/activity-spine.js';
import { fanoutPipeline } from '../../helpers/test-pipelines.js';

const execution = { id: 'exec_1', params: { tag: 'a' }, batchId: 'batch_1', parentExecutionId: null };
const ACTS_RETRY = { initialIntervalMs: 100, backoffCoefficient: 3, maximumIntervalMs: 10_000, maximumAttempts: 4 };

describe('planRun', () => {
  it('builds the input from the definition and the execution with the default settings', () => {
    expect(planRun(actsPipeline, execution, {})).toEqual({
      executionId: 'exec_1',
      pipeline: 'test.acts',
      stages: [
        { name: 'measure', retry: ACTS_RETRY },
        { name: 'hiccup', retry: ACTS_RETRY },
      ],
      params: { tag: 'a' },
      batchId: 'batch_1',
      childConcurrency: 4,
      heartbeatTimeoutMs: 30_000,
    });
  });

  it('a child carries its parent id; an execution without a batch is its own batch', () => {
    const plan = planRun(actsPipeline, { ...execution, batchId: null, parentExecutionId: 'exec_0' }, {});
    expect(plan.batchId).toBe('exec_1');
    expect(plan.parentExecutionId).toBe('exec_0');
  });

  it('reads SPINE_CHILD_CONCURRENCY, SPINE_HEARTBEAT_TIMEOUT_MS and the retry settings', () => {
    const plan = planRun(actsPipeline, execution, {
      SPINE_CHILD_CONCURRENCY: '9',
      SPINE_HEARTBEAT_TIMEOUT_MS: '5000',
      SPINE_RETRY_MAX_ATTEMPTS: '2',
    });
    expect(plan.childConcurrency).toBe(9);
    expect(plan.heartbeatTimeoutMs).toBe(5_000);
    expect(plan.stages.map((s) => s.retry.maximumAttempts)).toEqual([2, 2]);
    expect(planRun(actsPipeline, execution, { SPINE_CHILD_CONCURRENCY: '1' }).childConcurrency).toBe(1);
    expect(planRun(actsPipeline, execution, { SPINE_CHILD_CONCURRENCY: '' }).childConcurrency).toBe(4);
  });

  it("never goes above the pipeline's maxChildConcurrency", () => {
    const capped: PipelineDefinition = { ...fanoutPipeline, maxChildConcurrency: 2 };
    expect(planRun(capped, execution, {}).childConcurrency).toBe(2);
    expect(planRun(capped, execution, { SPINE_CHILD_CONCURRENCY: '8' }).childConcurrency).toBe(2);
    expect(planRun(capped, execution, { SPINE_CHILD_CONCURRENCY: '1' }).childConcurrency).toBe(1);
  });

  it.each(['0', '-2', '1.5', 'four'])('refuses SPINE_CHILD_CONCURRENCY=%s naming the variable and the value', (raw) => {
    expect(() => planRun(actsPipeline, execution, { SPINE_CHILD_CONCURRENCY: raw })).toThrow(
      new Error(`SPINE_CHILD_CONCURRENCY must be a positive integer, got '${raw}'`),
    );
  });
});
