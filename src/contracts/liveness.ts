/**
 * Liveness timings, in one place (docs/temporal.md "Leases, fencing and liveness"). Pure constants: this
 * module is also loaded inside the workflow sandbox.
 *
 * - A stage reports progress by time, not by step: the Temporal stage activity runs its SQLite work in a
 *   worker thread and heartbeats from the activity's own event loop every `heartbeatIntervalMs`, so a
 *   heartbeat timeout means a dead worker, never a busy one.
 * - Every running execution holds a lease (owner + expiry) renewed every `leaseRenewMs`; an execution
 *   whose owner is gone is shown as `abandoned`, can be taken over by a new run of its partition, and its
 *   staged captures are collected by gc after `abandonedCaptureGraceMs`.
 */
export const LIVENESS = {
  /** Temporal declares a stage attempt lost after this much silence (`SPINE_HEARTBEAT_TIMEOUT_MS`). */
  heartbeatTimeoutMs: 30_000,
  /** The stage activity heartbeats at least this often while its thread works. */
  heartbeatIntervalMs: 2_000,
  /** Upper bound of one stage attempt (a 1M-row ingest on a busy machine stays far below it). */
  stageStartToCloseMs: 2 * 3_600_000,
  /** Lifecycle mirroring activities (short SQLite writes, the alert hook). */
  lifecycleStartToCloseMs: 120_000,
  /**
   * Lifecycle mirroring as local activities (short SQLite writes only: no alert hook). Above SQLite's
   * 10 s busy timeout, so a write waiting for a long stage transaction fails with DATABASE_BUSY and is
   * retried rather than timed out.
   */
  localLifecycleStartToCloseMs: 30_000,
  /** A running execution's lease; its owner renews it every `leaseRenewMs`. */
  leaseTtlMs: 60_000,
  leaseRenewMs: 5_000,
  /**
   * A Temporal execution survives its worker (the workflow waits for another one), so its lease is only
   * declared lost after this much longer silence.
   */
  temporalLeaseGraceMs: 5 * 60_000,
  /** A cancelled or fenced-off stage thread gets this long to stop by itself before it is terminated. */
  cancelGraceMs: 2_000,
  /** gc keeps a dead run's staged capture this long after its lease expired, then collects it. */
  abandonedCaptureGraceMs: 10 * 60_000,
} as const;

/** The heartbeat timeout for a run: `SPINE_HEARTBEAT_TIMEOUT_MS` or the default. */
export function heartbeatTimeoutFrom(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env['SPINE_HEARTBEAT_TIMEOUT_MS'];
  if (raw === undefined || raw === '') return LIVENESS.heartbeatTimeoutMs;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`SPINE_HEARTBEAT_TIMEOUT_MS must be a positive integer, got '${raw}'`);
  return n;
}

/** Heartbeat often enough that two consecutive beats can be lost before the timeout fires. */
export function heartbeatIntervalFor(timeoutMs: number): number {
  return Math.max(100, Math.min(LIVENESS.heartbeatIntervalMs, Math.floor(timeoutMs / 4)));
}
