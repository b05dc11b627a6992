import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes, SpineError } from '../../../src/core/errors.js';
import { withLogContext } from '../../../src/core/logging/log-context.js';
import { parseLogFormat, parseLogLevel } from '../../../src/core/logging/logger.js';
import { logStep } from '../../../src/core/logging/span.js';
import { captureLogs } from '../../helpers/capture-logs.js';
import type { CapturedLogs, LogLine } from '../../helpers/capture-logs.js';
import { testRegistry, writeFaultsFile } from '../../helpers/test-pipelines.js';
import { openTempSpine, setEnv, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

let logs: CapturedLogs;

beforeEach(() => {
  logs = captureLogs('debug');
});

describe('logger', () => {
  it('writes the event, a string level, the logger name and a UTC timestamp ending in Z', () => {
    logs.log.info('unit.hello', { rows_out: 5 });

    const line = logs.one('unit.hello');
    expect(line).toMatchObject({ event: 'unit.hello', level: 'info', logger: 'spine', rows_out: 5 });
    expect(line['timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('uses level names for every level', () => {
    logs.log.debug('l.debug');
    logs.log.info('l.info');
    logs.log.warn('l.warn');
    logs.log.error('l.error');

    expect(logs.lines.map((l) => [l['event'], l['level']])).toEqual([
      ['l.debug', 'debug'],
      ['l.info', 'info'],
      ['l.warn', 'warn'],
      ['l.error', 'error'],
    ]);
  });

  it('drops null and undefined fields from both the call site and the context', () => {
    withLogContext({ execution_id: 'e-1', capture_id: null, tier: undefined }, () => {
      logs.log.info('unit.nulls', { a: null, b: undefined, c: 0, d: '' });
    });

    const line = logs.one('unit.nulls');
    expect(line).toMatchObject({ execution_id: 'e-1', c: 0, d: '' });
    for (const key of ['a', 'b', 'capture_id', 'tier']) expect(line).not.toHaveProperty(key);
  });

  it('merges context fields but never lets them override call-site fields', () => {
    withLogContext({ pipeline: 'p.outer', step: 'from-context' }, () => {
      withLogContext({ batch_id: 'b-1' }, () => logs.log.info('unit.ctx', { step: 'from-call' }));
    });

    expect(logs.one('unit.ctx')).toMatchObject({ pipeline: 'p.outer', batch_id: 'b-1', step: 'from-call' });
  });

  it('filters lines below the configured level', () => {
    const warnOnly = captureLogs('warn');
    warnOnly.log.info('unit.hidden');
    warnOnly.log.warn('unit.shown');

    expect(warnOnly.lines.map((l) => l['event'])).toEqual(['unit.shown']);
    expect(warnOnly.log.isLevelEnabled('info')).toBe(false);
    expect(warnOnly.log.isLevelEnabled('error')).toBe(true);
  });

  it('parses log levels and formats, accepting warning and console as aliases', () => {
    expect(parseLogLevel('WARNING')).toBe('warn');
    expect(parseLogLevel(undefined, 'error')).toBe('error');
    expect(() => parseLogLevel('loud')).toThrow(/Invalid log level 'loud'/);
    expect(parseLogFormat('console')).toBe('pretty');
    expect(parseLogFormat('JSON')).toBe('json');
    expect(() => parseLogFormat('xml')).toThrow(/Invalid log format 'xml'/);
  });
});

describe('logStep', () => {
  it('logs <step>.start at debug and <step>.end at info with duration_ms and the metrics', async () => {
    const result = await logStep(
      logs.log,
      'unit.load',
      (span) => {
        span.addMetrics({ rows_in: 10, rows_out: 8 });
        return 'done';
      },
      { table: 't1' },
    );

    expect(result).toBe('done');
    const start = logs.one('unit.load.start');
    const end = logs.one('unit.load.end');
    expect(start).toMatchObject({ level: 'debug', step: 'unit.load', table: 't1' });
    expect(end).toMatchObject({ level: 'info', rows_in: 10, rows_out: 8, table: 't1' });
    expect(typeof end['duration_ms']).toBe('number');
    const duration = end['duration_ms'] as number;
    expect(duration).toBeGreaterThanOrEqual(0);
    expect(Math.round(duration * 100) / 100).toBe(duration);
    expect(end['span_id']).toMatch(/^[0-9a-f]{8}$/);
    expect(start['span_id']).toBe(end['span_id']);
    expect(end).not.toHaveProperty('parent_span_id');
    expect(logs.lines.indexOf(start)).toBeLessThan(logs.lines.indexOf(end));
  });

  it('gives a nested step the outer span as parent_span_id and the outer step on its .end line', async () => {
    await logStep(logs.log, 'unit.outer', async () => {
      logs.log.info('unit.inside_outer');
      await logStep(logs.log, 'unit.inner', () => logs.log.info('unit.inside_inner'));
    });

    const outerEnd = logs.one('unit.outer.end');
    const innerStart = logs.one('unit.inner.start');
    const innerEnd = logs.one('unit.inner.end');
    const outerId = outerEnd['span_id'];
    expect(innerStart['parent_span_id']).toBe(outerId);
    expect(innerEnd['parent_span_id']).toBe(outerId);
    expect(innerEnd['span_id']).not.toBe(outerId);
    expect(innerEnd['step']).toBe('unit.outer');
    expect(outerEnd).not.toHaveProperty('step');
    expect(logs.one('unit.inside_outer')).toMatchObject({ span_id: outerId, step: 'unit.outer' });
    expect(logs.one('unit.inside_inner')).toMatchObject({
      span_id: innerEnd['span_id'],
      parent_span_id: outerId,
      step: 'unit.inner',
    });
  });

  it('logs <step>.error with error_type, error_message and error_stack and rethrows', async () => {
    const failing = logStep(logs.log, 'unit.fail', (span) => {
      span.addMetrics({ rows_in: 3 });
      throw new SpineError(ErrorCodes.SOURCE_ERROR, 'bad row');
    });

    await expect(failing).rejects.toThrow('bad row');
    const line = logs.one('unit.fail.error');
    expect(line).toMatchObject({
      level: 'error',
      status: 'error',
      error_type: 'SOURCE_ERROR',
      error_message: 'bad row',
      rows_in: 3,
      step: 'unit.fail',
    });
    expect(line['error_stack']).toContain('bad row');
    expect(line['span_id']).toMatch(/^[0-9a-f]{8}$/);
    expect(typeof line['duration_ms']).toBe('number');
    expect(logs.byEvent('unit.fail.end')).toEqual([]);
  });

  it('uses the error name as error_type for errors without a code', async () => {
    await expect(
      logStep(logs.log, 'unit.plain', () => {
        throw new TypeError('not a number');
      }),
    ).rejects.toThrow(TypeError);

    expect(logs.one('unit.plain.error')).toMatchObject({ error_type: 'TypeError', error_message: 'not a number' });
  });
});

describe('stage logging through the dispatcher', () => {
  let dir: TempDir;
  let restoreEnv: () => void;

  beforeEach(() => {
    dir = tempDir();
    restoreEnv = setEnv({
      SPINE_FAULTS_FILE: writeFaultsFile(dir.join('faults.json'), { 'test.flaky/fetch': { failAttempts: 1 } }),
      SPINE_RETRY_INITIAL_MS: undefined,
      SPINE_RETRY_BACKOFF: undefined,
      SPINE_RETRY_MAX_INTERVAL_MS: undefined,
      SPINE_RETRY_MAX_ATTEMPTS: undefined,
    });
  });

  afterEach(() => {
    restoreEnv();
    dir.cleanup();
  });

  it('omits attempt on first-attempt lines and sets it on retries, with execution context on every stage line', async () => {
    const t = openTempSpine({ dir, log: logs.log, registry: testRegistry(), sleep: () => Promise.resolve() });
    try {
      const exec = await t.spine.dispatcher.submit('test.flaky', {});
      if ('dryRun' in exec) throw new Error('unexpected dry run');
      expect(exec.status).toBe('completed');

      const starts = logs.byEvent('stage.fetch.start');
      expect(starts).toHaveLength(2);
      expect(starts[0]).not.toHaveProperty('attempt');
      expect(starts[1]).toMatchObject({ attempt: 2 });
      const failure = logs.one('stage.fetch.error');
      expect(failure).not.toHaveProperty('attempt');
      expect(failure).toMatchObject({ error_type: 'EXECUTION_FAILED' });
      expect(String(failure['error_message'])).toContain('Injected fault');
      expect(logs.one('stage.fetch.end')).toMatchObject({ attempt: 2, rows_out: 1 });

      const stageLines: LogLine[] = logs.lines.filter((l) => String(l['event']).startsWith('stage.'));
      for (const line of stageLines) {
        expect(line).toMatchObject({
          execution_id: exec.id,
          pipeline: 'test.flaky',
          batch_id: exec.batchId,
          backend: 'sync',
          domain: 'test',
        });
      }
      expect(logs.one('execution.submitted')).toMatchObject({ execution_id: exec.id, level: 'info' });
      expect(logs.one('execution.summary')).toMatchObject({ status: 'completed' });
    } finally {
      t.cleanup();
    }
  });
});
