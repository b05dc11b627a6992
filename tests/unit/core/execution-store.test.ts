/**
 * ExecutionStore (src/core/execution/execution-store.ts) and EventWriter (event-writer.ts) edge cases on a
 * real migrated SQLite file, with exact column values: which transitions an open or a closed execution
 * accepts, the lease and fence columns, and the event rows, keys and listeners.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { SpineError } from '../../../src/core/errors.js';
import { EventWriter } from '../../../src/core/execution/event-writer.js';
import type { EventListener } from '../../../src/core/execution/event-writer.js';
import { ExecutionStore } from '../../../src/core/execution/execution-store.js';
import type { NewExecution } from '../../../src/core/execution/execution-store.js';
import type { LeaseOwner } from '../../../src/core/execution/lease.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const T0 = '2026-01-05T12:00:00.000Z';
const OWNER: LeaseOwner = { host: 'h1', pid: 321, boot: '55', kind: 'cli' };
const WORKER: LeaseOwner = { host: 'h2', pid: 9, boot: null, kind: 'worker', identity: 'worker-9' };

let dir: TempDir;
let db: Db;
let store: ExecutionStore;

/** A store whose clock moves one second per reading. */
beforeEach(() => {
  dir = tempDir('spine-exec-store-');
  db = openTempDb(dir.join('spine.db'));
  store = new ExecutionStore(db, fixedClock(T0, 1000));
});

afterEach(() => {
  db.close();
  dir.cleanup();
});

const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();

function newExecution(id: string, extra: Partial<NewExecution> = {}): NewExecution {
  return {
    id,
    pipeline: 'p.one',
    params: { week: '2026-01-02', n: 2 },
    lane: 'backfill',
    backend: 'sync',
    triggerSource: 'scheduler',
    batchId: `batch-${id}`,
    ...extra,
  };
}

function column(id: string, name: string): unknown {
  return (db.prepare(`SELECT ${name} AS v FROM core_executions WHERE id = ?`).get(id) as { v: unknown }).v;
}

describe('ExecutionStore.create and get', () => {
  it('creates a pending execution without owner or lease, and reads every column back', () => {
    const e = store.create(newExecution('e1'));

    expect(e).toStrictEqual({
      id: 'e1',
      pipeline: 'p.one',
      params: { week: '2026-01-02', n: 2 },
      lane: 'backfill',
      backend: 'sync',
      triggerSource: 'scheduler',
      logicalKey: null,
      status: 'pending',
      parentExecutionId: null,
      batchId: 'batch-e1',
      workflowId: null,
      attempts: 0,
      createdAt: T0,
      startedAt: null,
      completedAt: null,
      errorCode: null,
      errorMessage: null,
      errorStage: null,
      result: null,
      owner: null,
      leaseExpiresAt: null,
      fence: 0,
      cancelRequestedAt: null,
    });
    expect(column('e1', 'params')).toBe('{"week":"2026-01-02","n":2}');
    expect(store.db).toBe(db);
  });

  it('with an owner, records it and a lease one TTL past now; keeps the logical key and the parent', () => {
    store.create(newExecution('parent'));
    const e = store.create(newExecution('e2', { owner: OWNER, logicalKey: 'K:1', parentExecutionId: 'parent' }));

    expect(e).toMatchObject({
      owner: OWNER,
      createdAt: at(1),
      leaseExpiresAt: at(2 + 60),
      logicalKey: 'K:1',
      parentExecutionId: 'parent',
    });
    expect(JSON.parse(column('e2', 'owner') as string)).toEqual(OWNER);
  });

  it('get of an unknown id is undefined', () => {
    expect(store.get('nope')).toBeUndefined();
  });

  it('the default clock is the system clock', () => {
    const plain = new ExecutionStore(db);
    const before = Date.now();
    const e = plain.create(newExecution('sys'));
    const created = Date.parse(e.createdAt);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(Date.now());
  });
});

describe('ExecutionStore transitions', () => {
  it('markRunning starts once: started_at is kept, attempts only grow', () => {
    store.create(newExecution('e1'));
    store.markRunning('e1');
    expect(store.get('e1')).toMatchObject({ status: 'running', startedAt: at(1), attempts: 1 });

    store.markRunning('e1', 3);
    expect(store.get('e1')).toMatchObject({ status: 'running', startedAt: at(1), attempts: 3 });
    store.markRunning('e1', 2);
    expect(store.get('e1')).toMatchObject({ startedAt: at(1), attempts: 3 });
  });

  it('markRunning never reopens a finished execution', () => {
    store.create(newExecution('e1'));
    expect(store.finish('e1', 'cancelled')).toBe(true);
    store.markRunning('e1', 4);
    expect(store.get('e1')).toMatchObject({ status: 'cancelled', startedAt: null, attempts: 0 });
  });

  it('bumpAttempts keeps the maximum, whatever the status', () => {
    store.create(newExecution('e1'));
    store.bumpAttempts('e1', 2);
    expect(store.get('e1')?.attempts).toBe(2);
    store.bumpAttempts('e1', 1);
    expect(store.get('e1')?.attempts).toBe(2);
    store.finish('e1', 'failed');
    store.bumpAttempts('e1', 5);
    expect(store.get('e1')?.attempts).toBe(5);
  });

  it('setWorkflowId records the workflow of that execution only', () => {
    store.create(newExecution('e1'));
    store.create(newExecution('e2'));
    store.setWorkflowId('e1', 'wf-1');
    expect(store.get('e1')?.workflowId).toBe('wf-1');
    expect(store.get('e2')?.workflowId).toBeNull();
  });

  it('finish closes a pending or running execution once, with its result or error, and drops the lease', () => {
    store.create(newExecution('run', { owner: OWNER }));
    store.create(newExecution('pend'));
    store.markRunning('run');

    expect(store.finish('run', 'completed', { result: { rows: 3, tag: 'x' } })).toBe(true);
    expect(store.get('run')).toMatchObject({
      status: 'completed',
      completedAt: at(4),
      result: { rows: 3, tag: 'x' },
      errorCode: null,
      errorMessage: null,
      errorStage: null,
      leaseExpiresAt: null,
    });
    expect(column('run', 'result')).toBe('{"rows":3,"tag":"x"}');

    expect(store.finish('pend', 'failed', { errorCode: 'E1', errorMessage: 'went wrong', errorStage: 'fetch' })).toBe(
      true,
    );
    expect(store.get('pend')).toMatchObject({
      status: 'failed',
      completedAt: at(5),
      result: null,
      errorCode: 'E1',
      errorMessage: 'went wrong',
      errorStage: 'fetch',
    });

    expect(store.finish('run', 'failed', { errorCode: 'LATE' })).toBe(false);
    expect(store.get('run')).toMatchObject({ status: 'completed', completedAt: at(4), errorCode: null });
    expect(store.finish('ghost', 'failed')).toBe(false);
  });

  it('beginAttempt bumps the fence, takes ownership and renews the lease, with an optional TTL', () => {
    store.create(newExecution('e1', { owner: OWNER }));
    expect(store.beginAttempt('e1', WORKER)).toBe(1);
    expect(store.get('e1')).toMatchObject({ fence: 1, owner: WORKER, leaseExpiresAt: at(2 + 60) });
    expect(store.beginAttempt('e1', OWNER, 5000)).toBe(2);
    expect(store.get('e1')).toMatchObject({ fence: 2, owner: OWNER, leaseExpiresAt: at(3 + 5) });
  });

  it('beginAttempt of an unknown execution is NOT_FOUND', () => {
    let err: unknown;
    try {
      store.beginAttempt('ghost', OWNER);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpineError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: 'Execution ghost not found' });
  });

  it('renewLease extends an open execution only', () => {
    store.create(newExecution('e1', { owner: OWNER }));
    store.create(newExecution('e2', { owner: OWNER }));
    expect(store.renewLease('e1')).toBe(true);
    expect(store.get('e1')?.leaseExpiresAt).toBe(at(4 + 60));
    store.markRunning('e1');
    expect(store.renewLease('e1', 500)).toBe(true);
    expect(store.get('e1')?.leaseExpiresAt).toBe('2026-01-05T12:00:06.500Z');
    expect(store.get('e2')?.leaseExpiresAt).toBe(at(3 + 60));

    store.finish('e1', 'failed');
    expect(store.renewLease('e1')).toBe(false);
    expect(store.get('e1')?.leaseExpiresAt).toBeNull();
    expect(store.renewLease('ghost')).toBe(false);
  });

  it('requestCancel keeps the first request and ignores finished executions', () => {
    store.create(newExecution('e1'));
    store.create(newExecution('e2'));
    store.requestCancel('e1');
    expect(store.get('e1')?.cancelRequestedAt).toBe(at(2));
    store.markRunning('e1');
    store.requestCancel('e1');
    expect(store.get('e1')?.cancelRequestedAt).toBe(at(2));
    expect(store.get('e2')?.cancelRequestedAt).toBeNull();

    store.finish('e2', 'completed');
    store.requestCancel('e2');
    expect(store.get('e2')?.cancelRequestedAt).toBeNull();
  });

  it('reads an unreadable owner as none', () => {
    store.create(newExecution('e1', { owner: OWNER }));
    db.prepare("UPDATE core_executions SET owner = 'not json' WHERE id = 'e1'").run();
    expect(store.get('e1')?.owner).toBeNull();
  });
});

describe('EventWriter edges', () => {
  let writer: EventWriter;
  beforeEach(() => {
    writer = new EventWriter(db, fixedClock(T0, 1000));
  });

  function rows(): Record<string, unknown>[] {
    return db
      .prepare(
        `SELECT execution_id, event_type, at, attempt, stage, step, status, payload, error_type, error_message,
           error_stack, rows_in, rows_out, capture_id, idempotency_key FROM core_execution_events ORDER BY id`,
      )
      .all() as Record<string, unknown>[];
  }

  it('an event without attempt or stage is attempt 1 with no stage; only progress has a step', () => {
    writer.write('e1', { type: 'started' });
    writer.write('e1', { type: 'progress', stage: 's', step: 's.read', spanId: 'abcd0123', attempt: 2 });

    expect(rows()).toEqual([
      {
        execution_id: 'e1',
        event_type: 'started',
        at: T0,
        attempt: 1,
        stage: null,
        step: null,
        status: 'running',
        payload: '{}',
        error_type: null,
        error_message: null,
        error_stack: null,
        rows_in: null,
        rows_out: null,
        capture_id: null,
        idempotency_key: 'e1|started||1|',
      },
      {
        execution_id: 'e1',
        event_type: 'progress',
        at: at(1),
        attempt: 2,
        stage: 's',
        step: 's.read',
        status: 'running',
        payload: '{}',
        error_type: null,
        error_message: null,
        error_stack: null,
        rows_in: null,
        rows_out: null,
        capture_id: null,
        idempotency_key: 'e1|progress|s|2|abcd0123',
      },
    ]);
  });

  it('the status of each terminal event, an error without a stack, and the capture of a completed run', () => {
    writer.write('e1', { type: 'dead_lettered', error: { type: 'X', message: 'gone' } });
    writer.write('e1', { type: 'cancelled' });
    writer.write('e1', { type: 'completed', captureId: 'cap-1' });
    writer.write('e1', { type: 'stage_skipped', stage: 's', payload: { reason: 'r' } });
    writer.write('e1', { type: 'stage_completed', stage: 's2' });

    expect(
      rows().map((r) => [r['event_type'], r['status'], r['error_type'], r['error_stack'], r['capture_id']]),
    ).toEqual([
      ['dead_lettered', 'dead_lettered', 'X', null, null],
      ['cancelled', 'cancelled', null, null, null],
      ['completed', 'completed', null, null, 'cap-1'],
      ['stage_skipped', 'running', null, null, null],
      ['stage_completed', 'running', null, null, null],
    ]);
    expect(rows()[3]?.['payload']).toBe('{"reason":"r"}');
    expect(rows()[4]?.['payload']).toBe('{}');
  });

  it('a delay_ms only on retrying events; rows only on stage_completed', () => {
    writer.write('e1', {
      type: 'retrying',
      stage: 's',
      attempt: 2,
      delayMs: 0,
      error: { type: 'X', message: 'm' },
    });
    writer.write('e1', {
      type: 'stage_skipped',
      stage: 's',
      payload: { delay_ms: 'kept', rowsIn: 1 },
    });
    expect(rows().map((r) => [r['payload'], r['rows_in'], r['rows_out']])).toEqual([
      ['{"delay_ms":0}', null, null],
      ['{"delay_ms":"kept","rowsIn":1}', null, null],
    ]);
  });

  it('tells each new event to its listeners, never a repeat, and stops after unsubscribe', () => {
    const seen: [string, string][] = [];
    const listener: EventListener = (id, event) => seen.push([id, event.type]);
    const unsubscribe = writer.subscribe(listener);
    const other: string[] = [];
    writer.subscribe((id) => other.push(id));

    expect(writer.write('e1', { type: 'started' })).toBe(true);
    expect(writer.write('e1', { type: 'started' })).toBe(false);
    writer.write('e2', { type: 'submitted' });
    unsubscribe();
    writer.write('e3', { type: 'started' });

    expect(seen).toEqual([
      ['e1', 'started'],
      ['e2', 'submitted'],
    ]);
    expect(other).toEqual(['e1', 'e2', 'e3']);
  });

  it('a listener that throws breaks neither the write nor the other listeners', () => {
    const seen: string[] = [];
    writer.subscribe(() => {
      throw new Error('display broke');
    });
    writer.subscribe((id) => seen.push(id));

    expect(writer.write('e1', { type: 'started' })).toBe(true);
    expect(seen).toEqual(['e1']);
    expect(rows()).toHaveLength(1);
  });

  it('the default clock is the system clock', () => {
    const plain = new EventWriter(db);
    const before = Date.now();
    plain.write('e1', { type: 'started' });
    const written = Date.parse(rows()[0]?.['at'] as string);
    expect(written).toBeGreaterThanOrEqual(before);
    expect(written).toBeLessThanOrEqual(Date.now());
  });
});
