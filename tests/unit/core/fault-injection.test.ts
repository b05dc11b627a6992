/**
 * The test-only fault hook (src/core/execution/fault-injection.ts) read from a real SPINE_FAULTS_FILE, and
 * the edges of the retry policy's environment overrides (src/core/execution/retry-policy.ts).
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes, SpineError } from '../../../src/core/errors.js';
import { checkInjectedFault, InjectedFault } from '../../../src/core/execution/fault-injection.js';
import type { FaultSpec } from '../../../src/core/execution/fault-injection.js';
import { retryPolicyFor } from '../../../src/core/execution/retry-policy.js';
import { writeFaultsFile } from '../../helpers/test-pipelines.js';
import { setEnv, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir('spine-faults-');
});
afterEach(() => {
  dir.cleanup();
});

function envWith(faults: Readonly<Record<string, FaultSpec>>): NodeJS.ProcessEnv {
  return { SPINE_FAULTS_FILE: writeFaultsFile(dir.join('faults.json'), faults) };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('checkInjectedFault', () => {
  it('does nothing without a faults file, with an unreadable or broken one, or for an unlisted stage', () => {
    expect(thrown(() => checkInjectedFault('p', 's', 1, {}))).toBeUndefined();
    expect(thrown(() => checkInjectedFault('p', 's', 1, { SPINE_FAULTS_FILE: '' }))).toBeUndefined();
    expect(thrown(() => checkInjectedFault('p', 's', 1, { SPINE_FAULTS_FILE: dir.join('missing.json') }))).toBe(
      undefined,
    );
    const broken = dir.join('broken.json');
    writeFileSync(broken, '{not json');
    expect(thrown(() => checkInjectedFault('p', 's', 1, { SPINE_FAULTS_FILE: broken }))).toBeUndefined();

    const env = envWith({ 'p/other': { always: true }, 'q/s': { always: true } });
    expect(thrown(() => checkInjectedFault('p', 's', 1, env))).toBeUndefined();
  });

  it('fails exactly the first failAttempts attempts with a retryable InjectedFault', () => {
    const env = envWith({ 'p/s': { failAttempts: 2 } });

    const first = thrown(() => checkInjectedFault('p', 's', 1, env));
    expect(first).toBeInstanceOf(InjectedFault);
    expect(first).toBeInstanceOf(SpineError);
    expect(first).toMatchObject({
      name: 'InjectedFault',
      code: ErrorCodes.EXECUTION_FAILED,
      nonRetryable: false,
      message: 'Injected fault in p/s (attempt 1)',
    });
    expect((thrown(() => checkInjectedFault('p', 's', 2, env)) as Error).message).toBe(
      'Injected fault in p/s (attempt 2)',
    );
    expect(thrown(() => checkInjectedFault('p', 's', 3, env))).toBeUndefined();
    expect(thrown(() => checkInjectedFault('p', 's', 4, env))).toBeUndefined();
  });

  it('always fails every attempt, with the message given', () => {
    const env = envWith({ 'p/s': { always: true, message: 'disk on fire' } });
    for (const attempt of [1, 5, 50]) {
      expect(thrown(() => checkInjectedFault('p', 's', attempt, env))).toMatchObject({
        name: 'InjectedFault',
        message: 'disk on fire',
      });
    }
  });

  it('a spec with neither failAttempts nor always never fails', () => {
    const env = envWith({ 'p/s': { message: 'unused' } });
    expect(thrown(() => checkInjectedFault('p', 's', 1, env))).toBeUndefined();
  });

  it('throws a foreign error carrying the code: SqliteError for SQLITE_ codes, a plain Error otherwise', () => {
    const env = envWith({
      'p/busy': { failAttempts: 1, error: 'SQLITE_BUSY' },
      'p/eio': { always: true, error: 'EIO', message: 'read failed' },
    });

    const busy = thrown(() => checkInjectedFault('p', 'busy', 1, env)) as Error & { code: string };
    expect(busy).not.toBeInstanceOf(SpineError);
    expect(busy).toBeInstanceOf(Error);
    expect({ name: busy.name, code: busy.code, message: busy.message }).toEqual({
      name: 'SqliteError',
      code: 'SQLITE_BUSY',
      message: 'SQLITE_BUSY: injected in p/busy (attempt 1)',
    });
    expect(thrown(() => checkInjectedFault('p', 'busy', 2, env))).toBeUndefined();

    const eio = thrown(() => checkInjectedFault('p', 'eio', 3, env)) as Error & { code: string };
    expect({ name: eio.name, code: eio.code, message: eio.message }).toEqual({
      name: 'Error',
      code: 'EIO',
      message: 'read failed',
    });
  });

  it('blockMs alone blocks the thread that long and then lets the stage go on', () => {
    const env = envWith({ 'p/s': { blockMs: 60 } });
    const start = performance.now();
    expect(thrown(() => checkInjectedFault('p', 's', 1, env))).toBeUndefined();
    // A lower bound only: Atomics.wait never returns early.
    expect(performance.now() - start).toBeGreaterThanOrEqual(50);
  });

  it('blockMs with failAttempts or always still fails', () => {
    const env = envWith({ 'p/a': { blockMs: 1, failAttempts: 1 }, 'p/b': { blockMs: 1, always: true } });
    expect(thrown(() => checkInjectedFault('p', 'a', 1, env))).toBeInstanceOf(InjectedFault);
    expect(thrown(() => checkInjectedFault('p', 'a', 2, env))).toBeUndefined();
    expect(thrown(() => checkInjectedFault('p', 'b', 7, env))).toBeInstanceOf(InjectedFault);
  });

  it('reads process.env by default, and the file again on every call', () => {
    const path = writeFaultsFile(dir.join('live.json'), { 'p/s': { always: true } });
    const restore = setEnv({ SPINE_FAULTS_FILE: path });
    try {
      expect(thrown(() => checkInjectedFault('p', 's', 1))).toBeInstanceOf(InjectedFault);
      writeFaultsFile(path, {});
      expect(thrown(() => checkInjectedFault('p', 's', 1))).toBeUndefined();
    } finally {
      restore();
    }
  });
});

describe('retryPolicyFor: environment edges', () => {
  it('sets only the variables given: no other key appears, not even as undefined', () => {
    expect(retryPolicyFor({}, {}, { SPINE_RETRY_BACKOFF: '1.5' })).toStrictEqual({
      initialIntervalMs: 1000,
      backoffCoefficient: 1.5,
      maximumIntervalMs: 60_000,
      maximumAttempts: 5,
    });
    expect(Object.keys(retryPolicyFor({}, { retryClass: 'io' }, {}))).toEqual([
      'initialIntervalMs',
      'backoffCoefficient',
      'maximumIntervalMs',
      'maximumAttempts',
    ]);
  });

  it('each variable sets its own field', () => {
    const base = retryPolicyFor({}, {}, {});
    expect(retryPolicyFor({}, {}, { SPINE_RETRY_INITIAL_MS: '7' })).toStrictEqual({ ...base, initialIntervalMs: 7 });
    expect(retryPolicyFor({}, {}, { SPINE_RETRY_MAX_INTERVAL_MS: '8' })).toStrictEqual({
      ...base,
      maximumIntervalMs: 8,
    });
    expect(retryPolicyFor({}, {}, { SPINE_RETRY_MAX_ATTEMPTS: '9' })).toStrictEqual({ ...base, maximumAttempts: 9 });
  });

  it('accepts zero, refuses infinity and negatives with the exact message', () => {
    expect(retryPolicyFor({}, {}, { SPINE_RETRY_MAX_ATTEMPTS: '0' }).maximumAttempts).toBe(0);
    expect(() => retryPolicyFor({}, {}, { SPINE_RETRY_MAX_INTERVAL_MS: 'Infinity' })).toThrow(
      new Error("SPINE_RETRY_MAX_INTERVAL_MS must be a non-negative number, got 'Infinity'"),
    );
    expect(() => retryPolicyFor({}, {}, { SPINE_RETRY_BACKOFF: '-0.5' })).toThrow(
      new Error("SPINE_RETRY_BACKOFF must be a non-negative number, got '-0.5'"),
    );
  });

  it('db and default stages share the defaults; the pipeline override beats the io class', () => {
    expect(retryPolicyFor({}, { retryClass: 'db' }, {})).toStrictEqual(retryPolicyFor({}, {}, {}));
    expect(retryPolicyFor({ retryPolicy: { maximumAttempts: 2 } }, { retryClass: 'io' }, {}).maximumAttempts).toBe(2);
  });

  it('reads process.env by default', () => {
    const restore = setEnv({ SPINE_RETRY_MAX_ATTEMPTS: '11' });
    try {
      expect(retryPolicyFor({}, {}).maximumAttempts).toBe(11);
    } finally {
      restore();
    }
  });
});
