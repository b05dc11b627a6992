import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../src/contracts/execution.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../../../src/contracts/temporal/run-pipeline.js';
import {
  SPINE_SEARCH_ATTRIBUTES,
  searchAttributeTypeName,
  startSearchAttributes,
} from '../../../src/contracts/temporal/search-attributes.js';
import { taskQueueFrom, workflowIdFor, workflowUiUrl } from '../../../src/contracts/temporal/task-queue.js';
import { parseDevStackConfig, startDevArgs } from '../../../src/backends/temporal/dev-stack/config.js';
import { ErrorCodes } from '../../../src/core/errors.js';
import { toTemporalRetryPolicy } from '../../../src/workflows/activity-options.js';

const DEV_STACK = fileURLToPath(new URL('../../../temporal-dev.yml', import.meta.url));

describe('Temporal contracts', () => {
  it('temporal-dev.yml registers exactly the search attributes the code defines', () => {
    const config = parseDevStackConfig(readFileSync(DEV_STACK, 'utf8'), DEV_STACK);
    const fromCode = Object.fromEntries(SPINE_SEARCH_ATTRIBUTES.map((k) => [k.name, searchAttributeTypeName(k.type)]));
    expect(config.temporal.searchAttributes).toEqual(fromCode);
  });

  it('marks only real error codes as non-retryable', () => {
    for (const type of NON_RETRYABLE_ERROR_TYPES) expect(Object.values(ErrorCodes)).toContain(type);
  });

  it('derives workflow ids from the logical key, falling back to the execution id', () => {
    expect(workflowIdFor('finra.otc_transparency.week', 'week:OTC:2025-12-12', 'e1')).toBe(
      'spine:finra.otc_transparency.week:week:OTC:2025-12-12',
    );
    expect(workflowIdFor('test.flaky', null, 'e1')).toBe('spine:test.flaky:e1');
    expect(workflowUiUrl('http://127.0.0.1:8233/', 'default', 'spine:a:b')).toBe(
      'http://127.0.0.1:8233/namespaces/default/workflows/spine%3Aa%3Ab',
    );
    expect(taskQueueFrom({})).toBe('spine-pipelines');
    expect(taskQueueFrom({ SPINE_TASK_QUEUE: 'q2' })).toBe('q2');
  });

  it('starts runs with pipeline, execution, week and tier attributes', () => {
    const pairs = startSearchAttributes({
      executionId: 'e1',
      pipeline: 'p',
      params: { week_ending: '2025-12-12', tier: 'OTC', force: true },
    });
    expect(pairs.map((p) => [p.key.name, p.value])).toEqual([
      ['SpinePipeline', 'p'],
      ['SpineExecutionId', 'e1'],
      ['SpineWeekEnding', '2025-12-12'],
      ['SpineTier', 'OTC'],
    ]);
  });

  it("maps a stage's retry policy onto Temporal's, with the delays the retrying events report", () => {
    const spec = { initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 60_000, maximumAttempts: 5 };
    expect(toTemporalRetryPolicy(spec)).toMatchObject({
      initialInterval: 1_000,
      backoffCoefficient: 2,
      maximumInterval: 60_000,
      maximumAttempts: 5,
    });
    expect([2, 3, 4, 5].map((n) => retryDelayMs(spec, n))).toEqual([1_000, 2_000, 4_000, 8_000]);
    // Temporal reads 0 ms as "use the default (1 s)"; the smallest real interval is 1 ms.
    expect(toTemporalRetryPolicy({ ...spec, initialIntervalMs: 0, maximumIntervalMs: 0 })).toMatchObject({
      initialInterval: 1,
      maximumInterval: 1,
    });
  });
});

describe('temporal-dev.yml', () => {
  it('turns into loopback-only start-dev flags with the search attributes', () => {
    const config = parseDevStackConfig(readFileSync(DEV_STACK, 'utf8'), DEV_STACK);
    const args = startDevArgs(config);
    expect(args.slice(0, 6)).toEqual(['server', 'start-dev', '--ip', '127.0.0.1', '--port', '7233']);
    expect(args).toContain('--ui-port');
    expect(args).toContain('SpineCaptureId=Keyword');
    expect(config.temporal.dbFilename).toBe(fileURLToPath(new URL('../../../.data/temporal.db', import.meta.url)));
    expect(config.worker).toEqual({ taskQueue: 'spine-pipelines', maxConcurrentActivityTaskExecutions: 2 });
  });

  it.each([
    ['temporal:\n  ip: 0.0.0.0\n', 'temporal.ip: the dev stack binds to loopback only'],
    ['temporal:\n  port: 99999\n', 'temporal.port: must be a port number'],
    ['temporal:\n  searchAttributes:\n    X: Blob\n', 'temporal.searchAttributes.X: must be one of'],
    [
      'worker:\n  maxConcurrentActivityTaskExecutions: 0\n',
      'worker.maxConcurrentActivityTaskExecutions: must be a positive integer',
    ],
    ['services:\n  temporal: {}\n', 'services: unknown key'],
  ])('rejects %j naming the field', (text, message) => {
    expect(() => parseDevStackConfig(text, '/x/temporal-dev.yml')).toThrow(`/x/temporal-dev.yml: ${message}`);
  });

  it('runs headless when uiPort is null', () => {
    const config = parseDevStackConfig('temporal:\n  uiPort: null\n', '/x/temporal-dev.yml');
    expect(startDevArgs(config)).toContain('--headless');
    expect(config.temporal.dbFilename).toBe('/x/.data/temporal.db');
  });
});
