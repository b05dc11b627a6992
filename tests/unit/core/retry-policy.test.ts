import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../../../src/contracts/execution.js';
import { retryPolicyFor } from '../../../src/core/execution/retry-policy.js';

describe('retryPolicyFor', () => {
  it('defaults to 1s initial, backoff 2, 60s cap and 5 attempts', () => {
    expect(retryPolicyFor({}, {}, {})).toEqual({
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maximumIntervalMs: 60_000,
      maximumAttempts: 5,
    });
    expect(DEFAULT_RETRY_POLICY).toEqual(retryPolicyFor({}, { retryClass: 'db' }, {}));
  });

  it('gives io stages more attempts than the default', () => {
    expect(retryPolicyFor({}, { retryClass: 'io' }, {}).maximumAttempts).toBe(6);
  });

  it("applies the pipeline's override over the class defaults", () => {
    expect(
      retryPolicyFor({ retryPolicy: { maximumAttempts: 2, initialIntervalMs: 50 } }, { retryClass: 'io' }, {}),
    ).toEqual({
      initialIntervalMs: 50,
      backoffCoefficient: 2,
      maximumIntervalMs: 60_000,
      maximumAttempts: 2,
    });
  });

  it('lets the environment override both defaults and the pipeline', () => {
    const env = {
      SPINE_RETRY_INITIAL_MS: '10',
      SPINE_RETRY_BACKOFF: '3',
      SPINE_RETRY_MAX_INTERVAL_MS: '100',
      SPINE_RETRY_MAX_ATTEMPTS: '7',
    };
    expect(retryPolicyFor({ retryPolicy: { maximumAttempts: 2 } }, {}, env)).toEqual({
      initialIntervalMs: 10,
      backoffCoefficient: 3,
      maximumIntervalMs: 100,
      maximumAttempts: 7,
    });
  });

  it('ignores empty environment values', () => {
    expect(retryPolicyFor({}, {}, { SPINE_RETRY_MAX_ATTEMPTS: '' }).maximumAttempts).toBe(5);
  });

  it('refuses a negative or non-numeric environment value, naming the variable', () => {
    expect(() => retryPolicyFor({}, {}, { SPINE_RETRY_MAX_ATTEMPTS: 'many' })).toThrow(
      /SPINE_RETRY_MAX_ATTEMPTS.*'many'/,
    );
    expect(() => retryPolicyFor({}, {}, { SPINE_RETRY_INITIAL_MS: '-5' })).toThrow(/SPINE_RETRY_INITIAL_MS/);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 1000 ms for each retry and caps at 60000 ms', () => {
    const delays = [2, 3, 4, 5, 6, 7, 8, 9].map((attempt) => retryDelayMs(DEFAULT_RETRY_POLICY, attempt));

    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('follows a custom coefficient and cap', () => {
    const policy = { initialIntervalMs: 100, backoffCoefficient: 3, maximumIntervalMs: 1000, maximumAttempts: 9 };

    expect([2, 3, 4, 5].map((a) => retryDelayMs(policy, a))).toEqual([100, 300, 900, 1000]);
  });
});
