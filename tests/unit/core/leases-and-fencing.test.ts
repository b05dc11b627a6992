/**
 * Leases, fencing and the partition claim on a real SQLite file: who counts as alive, what a stale attempt
 * may still write, and how concurrent submissions of one partition resolve.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIVENESS } from '../../../src/contracts/liveness.js';
import { CaptureRegistry } from '../../../src/core/captures/capture-registry.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { EventWriter } from '../../../src/core/execution/event-writer.js';
import { ExecutionStore } from '../../../src/core/execution/execution-store.js';
import type { NewExecution } from '../../../src/core/execution/execution-store.js';
import { assertFence, FencedError } from '../../../src/core/execution/fence.js';
import { currentOwner, livenessOf } from '../../../src/core/execution/lease.js';
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
    expect(store.get('old')?.errorMessage).toContain('taken over by new');
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
