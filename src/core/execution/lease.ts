import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { LIVENESS } from '../../contracts/liveness.js';

/** Who works on an execution: a CLI process (sync backend) or a Temporal worker process. */
export interface LeaseOwner {
  readonly host: string;
  readonly pid: number;
  /** The process's start time as the kernel counts it (`/proc/<pid>/stat` field 22): tells a reused pid apart. */
  readonly boot: string | null;
  readonly kind: 'cli' | 'worker';
  readonly identity?: string;
}

/** The process start time of `pid`, or null where /proc is not available. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

let self: LeaseOwner | undefined;
/** This process as a lease owner. */
export function currentOwner(kind: LeaseOwner['kind'] = 'cli', identity?: string): LeaseOwner {
  self ??= { host: hostname(), pid: process.pid, boot: processStartTime(process.pid), kind: 'cli' };
  return { ...self, kind, ...(identity ? { identity } : {}) };
}

/** Whether a process on this host is still the one that took the lease (alive, and not a reused pid). */
export function isLocalProcessAlive(owner: Pick<LeaseOwner, 'pid' | 'boot'>): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.boot === null) return true;
  const now = processStartTime(owner.pid);
  return now === null || now === owner.boot;
}

export function parseOwner(text: string | null): LeaseOwner | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as LeaseOwner;
  } catch {
    return null;
  }
}

export interface LeaseView {
  readonly status: string;
  readonly backend: string;
  readonly owner: string | null;
  readonly lease_expires_at: string | null;
}

export type Liveness = 'alive' | 'abandoned';

/**
 * Is anybody still working on this pending/running execution?
 * - Sync runs: a same-host owner is asked directly (a busy process that blocked its event loop is alive; a
 *   killed one is not, even before its lease runs out); an owner on another host is alive while its lease
 *   is.
 * - Temporal runs outlive their worker (the workflow waits for another one): abandoned only when nothing
 *   renewed the lease for `temporalLeaseGraceMs` more. A run still queued for its first worker has no
 *   owner yet and is alive.
 * - A sync run recorded before leases existed (no owner) cannot be alive: nothing renews it.
 * Returns null for finished executions.
 */
export function livenessOf(row: LeaseView, now: Date, host = hostname()): Liveness | null {
  if (row.status !== 'pending' && row.status !== 'running') return null;
  const owner = parseOwner(row.owner);
  const expires = row.lease_expires_at ? Date.parse(row.lease_expires_at) : Number.NaN;
  if (row.backend === 'temporal') {
    if (!owner || Number.isNaN(expires)) return 'alive';
    return now.getTime() <= expires + LIVENESS.temporalLeaseGraceMs ? 'alive' : 'abandoned';
  }
  if (!owner) return 'abandoned';
  // On this host the process table is the truth, whatever the lease says: a killed owner is gone at once,
  // and a busy one that blocked its event loop past the lease is still alive.
  if (owner.host === host) return isLocalProcessAlive(owner) ? 'alive' : 'abandoned';
  return !Number.isNaN(expires) && now.getTime() <= expires ? 'alive' : 'abandoned';
}

export function leaseExpiry(now: Date, ttlMs: number = LIVENESS.leaseTtlMs): string {
  return new Date(now.getTime() + ttlMs).toISOString();
}
