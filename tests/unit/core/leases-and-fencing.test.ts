/**
 * Leases, fencing and the partition claim on a real SQLite file: who counts as alive, what a stale attempt
 * may still write, and how concurrent submissions of one partition resolve.
 */
import { spawn } from 'node:child_process';
import { hostname, uptime } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIVENESS } from '../../../src/contracts/liveness.js';
import { CaptureRegistry } from '../../../src/core/captures/capture-registry.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { EventWriter } from '../../../src/core/execution/event-writer.js';
import { ExecutionStore } from '../../../src/core/execution/execution-store.js';
import type { NewExecution } from '../../../src/core/execution/execution-store.js';
import { assertFence, FencedError } from '../../../src/core/execution/fence.js';
import {
  currentOwner,
  isLocalProcessAlive,
  leaseExpiry,
  livenessOf,
  parseOwner,
  processStartTime,
} from '../../../src/core/execution/lease.js';
import type { LeaseOwner } from '../../../src/core/execution/lease.js';
import { claimPartition } from '../../../src/core/execution/partition-claim.js';
import { systemClock } from '../../../src/core/clock.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

let dir: TempDir;
let db: Db;
let store: ExecutionStore;
let events: EventWriter;

beforeEach(() => {
  dir = tempDir('spine-lease-');
  db = openTempDb(dir.join('spine.db'));
  store = new ExecutionStore(db);
  events = new EventWriter(db);
});
afterEach(() => {
  db.close();
  dir.cleanup();
});

const NOW = new Date('2026-01-05T12:00:00Z');
const iso = (offsetMs: number): string => new Date(NOW.getTime() + offsetMs).toISOString();

/** A pid that certainly belongs to no process: a child we started and reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid as number;
}

describe('livenessOf', () => {
  const other: LeaseOwner = { host: 'elsewhere', pid: 1, boot: null, kind: 'cli' };
  const row = (backend: string, owner: LeaseOwner | null, lease: string | null, status = 'running') => ({
    status,
    backend,
    owner: owner ? JSON.stringify(owner) : null,
    lease_expires_at: lease,
  });

  it('a sync owner on this host is asked directly: alive while its process lives, whatever the lease says', async () => {
    expect(livenessOf(row('sync', currentOwner(), iso(-3_600_000)), NOW)).toBe('alive');
    const gone: LeaseOwner = { host: hostname(), pid: await deadPid(), boot: null, kind: 'cli' };
    expect(livenessOf(row('sync', gone, iso(+60_000)), NOW)).toBe('abandoned');
  });

  it('a reused pid is not the owner: the process start time must match', () => {
    const impostor: LeaseOwner = { ...currentOwner(), boot: 'not-the-real-start-time' };
    expect(livenessOf(row('sync', impostor, iso(+60_000)), NOW)).toBe('abandoned');
  });

  it('a sync owner on another host is alive exactly while its lease runs', () => {
    expect(livenessOf(row('sync', other, iso(+1)), NOW)).toBe('alive');
    expect(livenessOf(row('sync', other, iso(-1)), NOW)).toBe('abandoned');
  });

  it('a Temporal run outlives its worker: abandoned only after the grace period, queued runs are alive', () => {
    expect(livenessOf(row('temporal', null, null, 'pending'), NOW)).toBe('alive');
    expect(livenessOf(row('temporal', other, iso(-LIVENESS.temporalLeaseGraceMs + 1)), NOW)).toBe('alive');
    expect(livenessOf(row('temporal', other, iso(-LIVENESS.temporalLeaseGraceMs - 1)), NOW)).toBe('abandoned');
  });

  it('a sync run recorded without an owner cannot be alive, and finished runs have no liveness', () => {
    expect(livenessOf(row('sync', null, null), NOW)).toBe('abandoned');
    expect(livenessOf(row('sync', currentOwner(), iso(0), 'completed'), NOW)).toBeNull();
  });
});

describe('lease details', () => {
  const row = (backend: string, owner: LeaseOwner | null, lease: string | null, status = 'running') => ({
    status,
    backend,
    owner: owner ? JSON.stringify(owner) : null,
    lease_expires_at: lease,
  });
  const other: LeaseOwner = { host: 'elsewhere', pid: 1, boot: null, kind: 'cli' };

  it('a lease is alive up to and including its expiry instant, and a pending run is judged like a running one', () => {
    expect(livenessOf(row('sync', other, iso(0)), NOW)).toBe('alive');
    expect(livenessOf(row('sync', other, iso(0), 'pending'), NOW)).toBe('alive');
    expect(livenessOf(row('sync', other, iso(-1), 'pending'), NOW)).toBe('abandoned');
    expect(livenessOf(row('temporal', other, iso(-LIVENESS.temporalLeaseGraceMs)), NOW)).toBe('alive');
    for (const status of ['completed', 'failed', 'cancelled', 'dead_lettered']) {
      expect(livenessOf(row('temporal', other, iso(0), status), NOW)).toBeNull();
    }
  });

  it('an owner on another host without a lease, or with an unreadable one, is abandoned', () => {
    expect(livenessOf(row('sync', other, null), NOW)).toBe('abandoned');
    expect(livenessOf(row('sync', other, 'not a time'), NOW)).toBe('abandoned');
  });

  it('a Temporal run with an owner but no lease yet is alive; an unreadable owner counts as none', () => {
    expect(livenessOf(row('temporal', other, null), NOW)).toBe('alive');
    expect(livenessOf({ ...row('sync', null, iso(60_000)), owner: '{not json' }, NOW)).toBe('abandoned');
    expect(livenessOf({ ...row('temporal', null, iso(-3_600_000)), owner: '{not json' }, NOW)).toBe('alive');
  });

  it('reads owners back from their JSON, and nothing from empty or broken text', () => {
    expect(parseOwner(JSON.stringify(other))).toEqual(other);
    expect(parseOwner(null)).toBeNull();
    expect(parseOwner('')).toBeNull();
    expect(parseOwner('{')).toBeNull();
  });

  it('this process is a cli or worker owner on this host, with its pid and kernel start time', () => {
    const start = processStartTime(process.pid);
    expect(start).toMatch(/^\d+$/);
    // Field 22 of /proc/<pid>/stat, in clock ticks (100 a second) since boot: this process started
    // `process.uptime()` seconds ago, so within a minute of that (a loaded machine delays node's own clock).
    expect(Number(start) / 100).toBeCloseTo(uptime() - process.uptime(), -2);
    expect(currentOwner()).toEqual({ host: hostname(), pid: process.pid, boot: start, kind: 'cli' });
    expect(currentOwner('worker', 'w-1')).toEqual({
      host: hostname(),
      pid: process.pid,
      boot: start,
      kind: 'worker',
      identity: 'w-1',
    });
    expect(currentOwner('worker', '')).not.toHaveProperty('identity');
  });

  it('a live process is alive without a recorded start time; a dead pid has none', async () => {
    const dead = await deadPid();
    expect(processStartTime(dead)).toBeNull();
    expect(isLocalProcessAlive({ pid: process.pid, boot: null })).toBe(true);
    expect(isLocalProcessAlive({ pid: process.pid, boot: processStartTime(process.pid) })).toBe(true);
    expect(isLocalProcessAlive({ pid: dead, boot: null })).toBe(false);
    expect(isLocalProcessAlive({ pid: dead, boot: '12345' })).toBe(false);
  });

  it('a lease runs the TTL past now', () => {
    expect(leaseExpiry(NOW)).toBe(iso(LIVENESS.leaseTtlMs));
    expect(leaseExpiry(NOW, 5_000)).toBe('2026-01-05T12:00:05.000Z');
  });
});

function newExecution(id: string, owner?: LeaseOwner, key = 'OTC:2025-12-12:file:abc'): NewExecution {
  return {
    id,
    pipeline: 'finra.otc_transparency.week',
    params: { file_path: '/data/f.csv' },
    lane: 'normal',
    backend: 'sync',
    triggerSource: 'cli',
    logicalKey: key,
    batchId: `batch-${id}`,
    ...(owner ? { owner } : {}),
  };
}

describe('fencing', () => {
  it('a newer attempt fences the older one off: its check throws inside the transaction and nothing commits', () => {
    store.create(newExecution('e1', currentOwner()));
    store.markRunning('e1');
    const first = store.beginAttempt('e1', currentOwner());
    const second = store.beginAttempt('e1', currentOwner());
    expect(second).toBe(first + 1);
    expect(() => assertFence(db, 'e1', second)).not.toThrow();
    expect(() => assertFence(db, 'e1', first)).toThrow(FencedError);

    const captures = new CaptureRegistry(db, new Map([['d', ['core_rejects']]]));
    captures.createStaged({
      captureId: 'c1',
      domain: 'd',
      weekEnding: '2025-12-12',
      tier: 'OTC',
      capturedAt: '2025-12-15T00:00:00.000000Z',
      sourceLastUpdateDate: null,
      source: 'f.csv',
      executionId: 'e1',
      batchId: 'b',
    });
    expect(() => captures.publish('c1', { qualityStatus: 'PASS', fence: () => assertFence(db, 'e1', first) })).toThrow(
      /no longer owns the run/,
    );
    expect(captures.get('c1')?.status).toBe('staged');
    expect(captures.publish('c1', { qualityStatus: 'PASS', fence: () => assertFence(db, 'e1', second) })).toEqual({
      published: true,
      replaced: null,
      winner: null,
    });
  });

  it('says why an attempt is fenced off: superseded, closed, or gone', () => {
    store.create(newExecution('e3', currentOwner()));
    const first = store.beginAttempt('e3', currentOwner());
    const second = store.beginAttempt('e3', currentOwner());
    expect(() => assertFence(db, 'e3', first)).toThrow(
      expect.objectContaining({
        name: 'FencedError',
        code: 'FENCED',
        message: `Execution e3: this attempt no longer owns the run (attempt fence ${first} was superseded by ${second}); nothing was written`,
        details: { execution_id: 'e3' },
      }),
    );
    expect(() => assertFence(db, 'nope', 1)).toThrow(
      'Execution nope: this attempt no longer owns the run (the execution is gone); nothing was written',
    );
    store.finish('e3', 'failed', { errorCode: 'X', errorMessage: 'x' });
    expect(() => assertFence(db, 'e3', second)).toThrow('(it is failed)');
  });

  it('a pending execution (not yet marked running) keeps its fence', () => {
    store.create(newExecution('e4', currentOwner()));
    const fence = store.beginAttempt('e4', currentOwner());
    expect(store.get('e4')?.status).toBe('pending');
    expect(() => assertFence(db, 'e4', fence)).not.toThrow();
  });

  it('a closed execution fences every attempt, and cannot be finished twice', () => {
    store.create(newExecution('e2', currentOwner()));
    const fence = store.beginAttempt('e2', currentOwner());
    expect(store.finish('e2', 'cancelled')).toBe(true);
    expect(() => assertFence(db, 'e2', fence)).toThrow(/it is cancelled/);
    expect(store.finish('e2', 'completed')).toBe(false);
    expect(store.get('e2')?.status).toBe('cancelled');
  });
});

describe('claimPartition', () => {
  const claim = (id: string, owner?: LeaseOwner) =>
    claimPartition(db, store, events, systemClock, newExecution(id, owner), (x) =>
      events.write(x, { type: 'submitted' }),
    );

  it('a second submission of a live partition attaches to the first and is recorded as cancelled', () => {
    expect(claim('a', currentOwner()).kind).toBe('claimed');
    const second = claim('b', currentOwner());
    expect(second.kind).toBe('attached');
    if (second.kind !== 'attached') return;
    expect(second.owner.id).toBe('a');
    expect(second.duplicate).toMatchObject({ id: 'b', status: 'cancelled', result: { attached_to: 'a' } });
  });

  it('a partition whose owner is gone is taken over: the old execution fails as ABANDONED', async () => {
    const gone: LeaseOwner = { host: hostname(), pid: await deadPid(), boot: null, kind: 'cli' };
    expect(claim('old', gone).kind).toBe('claimed');
    const next = claim('new', currentOwner());
    expect(next).toMatchObject({ kind: 'claimed', tookOver: ['old'] });
    expect(store.get('old')).toMatchObject({ status: 'failed', errorCode: 'ABANDONED' });
    expect(store.get('old')?.errorMessage).toBe(
      `Abandoned: its owner (cli pid ${gone.pid} on ${hostname()}) stopped renewing the lease; taken over by new`,
    );
    const failed = db
      .prepare(
        `SELECT payload, error_type, error_message FROM core_execution_events WHERE execution_id = 'old' AND event_type = 'failed'`,
      )
      .get() as { payload: string; error_type: string; error_message: string };
    expect({ ...failed, payload: JSON.parse(failed.payload) as unknown }).toEqual({
      payload: { abandoned: true, taken_over_by: 'new' },
      error_type: 'ABANDONED',
      error_message: `Abandoned: its owner (cli pid ${gone.pid} on ${hostname()}) stopped renewing the lease; taken over by new`,
    });
  });

  it('an open execution recorded without an owner is taken over, named as having no recorded owner', () => {
    expect(claim('ownerless').kind).toBe('claimed');
    expect(claim('next', currentOwner())).toMatchObject({ kind: 'claimed', tookOver: ['ownerless'] });
    expect(store.get('ownerless')?.errorMessage).toBe(
      'Abandoned: its owner (no recorded owner) stopped renewing the lease; taken over by next',
    );
  });

  it('takes over every abandoned execution of the partition, oldest first, and records the duplicate of a live one', async () => {
    const gone: LeaseOwner = { host: hostname(), pid: await deadPid(), boot: null, kind: 'cli' };
    claim('g1', gone);
    // A second open execution of the same key, as an older version could leave behind.
    store.create(newExecution('g2', gone));
    expect(claim('n1', currentOwner())).toMatchObject({ kind: 'claimed', tookOver: ['g1', 'g2'] });
    const dup = claim('n2', currentOwner());
    expect(dup).toMatchObject({ kind: 'attached', owner: { id: 'n1' }, duplicate: { id: 'n2', status: 'cancelled' } });
    const cancelled = db
      .prepare(`SELECT payload FROM core_execution_events WHERE execution_id = 'n2' AND event_type = 'cancelled'`)
      .get() as { payload: string };
    expect(JSON.parse(cancelled.payload)).toEqual({
      reason: 'attached',
      attached_to: 'n1',
      logical_key: 'OTC:2025-12-12:file:abc',
    });
    const submittedIds = (
      db.prepare(`SELECT execution_id FROM core_execution_events WHERE event_type = 'submitted' ORDER BY id`).all() as {
        execution_id: string;
      }[]
    ).map((r) => r.execution_id);
    expect(submittedIds).toEqual(['g1', 'n1', 'n2']);
  });

  it('an execution without a logical key never looks for others', () => {
    claim('a', currentOwner());
    const keyless = claimPartition(
      db,
      store,
      events,
      systemClock,
      { ...newExecution('k', currentOwner()), logicalKey: undefined },
      () => undefined,
    );
    expect(keyless).toMatchObject({ kind: 'claimed', tookOver: [] });
  });

  it('different partitions and fan-out children never block each other', () => {
    claim('a', currentOwner());
    const other = claimPartition(
      db,
      store,
      events,
      systemClock,
      newExecution('x', currentOwner(), 'OTC:2025-12-19:file:abc'),
      () => undefined,
    );
    expect(other.kind).toBe('claimed');
    const child = claimPartition(
      db,
      store,
      events,
      systemClock,
      { ...newExecution('child', currentOwner()), parentExecutionId: 'a' },
      () => undefined,
    );
    expect(child.kind).toBe('claimed');
  });
});
