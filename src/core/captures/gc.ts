import { formatUtc } from '../clock.js';
import type { Db } from '../db/open-database.js';
import { livenessOf } from '../execution/lease.js';

export interface GcOptions {
  readonly domain: string;
  /** Published captures to keep per (week, tier), newest first; the latest is always kept. */
  readonly keep: number;
  readonly week?: string | undefined;
  readonly tier?: string | undefined;
  /** Staged or failed captures older than this ISO instant are garbage too (crashed or rejected runs). */
  readonly abandonedBefore: string;
  /** Now, for lease expiry; and how long a dead run's staged capture is kept (LIVENESS.abandonedCaptureGraceMs). */
  readonly now: Date;
  readonly graceMs: number;
}

export interface GcCandidate {
  readonly capture_id: string;
  readonly week_ending: string;
  readonly tier: string;
  readonly captured_at: string;
  readonly status: string;
  readonly reason: string;
  readonly rows: Record<string, number>;
}

export interface GcPlan {
  readonly keep: number;
  readonly candidates: GcCandidate[];
  readonly protected: { capture_id: string; reason: string }[];
  readonly rows_total: number;
}

interface OpenExecution {
  id: string;
  status: string;
  backend: string;
  owner: string | null;
  lease_expires_at: string | null;
  created_at: string;
}

interface Usage {
  /** Captures read or written by a live pending/running execution: never collected. */
  readonly inUse: Set<string>;
  /** Staged/failed captures of executions whose owner is gone, past the grace period: id → why. */
  readonly abandoned: Map<string, string>;
}

/**
 * Which captures open executions hold. A live execution protects every capture it wrote (its staged
 * capture) or announced in its events; an abandoned one (owner gone, docs/temporal.md) protects nothing,
 * and its own staged captures become garbage once its lease expired more than `graceMs` ago.
 */
function captureUsage(db: Db, now: Date, graceMs: number): Usage {
  const open = db
    .prepare(
      `SELECT id, status, backend, owner, lease_expires_at, created_at FROM core_executions
       WHERE status IN ('pending', 'running')`,
    )
    .all() as OpenExecution[];
  const inUse = new Set<string>();
  const abandoned = new Map<string, string>();
  const written = db.prepare(`SELECT capture_id, status FROM core_captures WHERE execution_id = ?`);
  const announced = db.prepare(
    `SELECT DISTINCT capture_id FROM core_execution_events WHERE execution_id = ? AND capture_id IS NOT NULL`,
  );
  for (const x of open) {
    const own = written.all(x.id) as { capture_id: string; status: string }[];
    if (livenessOf(x, now) === 'alive') {
      for (const c of own) inUse.add(c.capture_id);
      for (const c of announced.all(x.id) as { capture_id: string }[]) inUse.add(c.capture_id);
      continue;
    }
    const deadSince = Date.parse(x.lease_expires_at ?? x.created_at);
    if (now.getTime() - deadSince < graceMs) {
      for (const c of own) inUse.add(c.capture_id);
      continue;
    }
    for (const c of own) {
      if (c.status === 'staged' || c.status === 'failed') {
        abandoned.set(
          c.capture_id,
          `${c.status} capture of abandoned execution ${x.id} (owner gone since ${x.lease_expires_at ?? x.created_at})`,
        );
      }
    }
  }
  // A staged capture whose execution ended (taken over, failed, cancelled) can never be published.
  const orphaned = db
    .prepare(
      `SELECT c.capture_id, x.id, x.status, COALESCE(x.completed_at, x.created_at) AS ended_at
       FROM core_captures c JOIN core_executions x ON x.id = c.execution_id
       WHERE c.status = 'staged' AND x.status NOT IN ('pending', 'running')`,
    )
    .all() as { capture_id: string; id: string; status: string; ended_at: string }[];
  for (const o of orphaned) {
    if (now.getTime() - Date.parse(o.ended_at) < graceMs) continue;
    abandoned.set(o.capture_id, `staged capture of execution ${o.id}, which ended ${o.status} without publishing it`);
  }
  return { inUse, abandoned };
}

/**
 * Decides what gc removes, changing nothing: per (week, tier) the published captures beyond the `keep`
 * newest, plus abandoned staged/failed captures. Counts the rows each would lose, table by table.
 */
export function planGc(db: Db, tables: readonly string[], o: GcOptions): GcPlan {
  const { inUse, abandoned } = captureUsage(db, o.now, o.graceMs);
  const rows = db
    .prepare(
      `SELECT capture_id, week_ending, tier, captured_at, status, created_at
       FROM core_captures
       WHERE domain = ? AND status IN ('published', 'staged', 'failed')
         AND (? IS NULL OR week_ending = ?) AND (? IS NULL OR tier = ?)
       ORDER BY week_ending, tier, captured_at DESC`,
    )
    .all(o.domain, o.week ?? null, o.week ?? null, o.tier ?? null, o.tier ?? null) as {
    capture_id: string;
    week_ending: string;
    tier: string;
    captured_at: string;
    status: string;
    created_at: string;
  }[];
  const keep = Math.max(1, o.keep);
  const published = new Map<string, number>();
  const candidates: GcCandidate[] = [];
  const protectedList: { capture_id: string; reason: string }[] = [];
  const counters = tables.map((t) => ({ t, stmt: db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE capture_id = ?`) }));
  for (const r of rows) {
    let reason: string | undefined;
    if (r.status === 'published') {
      const k = `${r.week_ending}|${r.tier}`;
      const n = (published.get(k) ?? 0) + 1;
      published.set(k, n);
      if (n > keep) reason = `older than the ${keep} newest published`;
    } else if (abandoned.has(r.capture_id)) {
      reason = abandoned.get(r.capture_id);
    } else if (r.created_at < o.abandonedBefore && !inUse.has(r.capture_id)) {
      reason = `abandoned ${r.status} capture`;
    }
    if (!reason) continue;
    if (inUse.has(r.capture_id)) {
      protectedList.push({ capture_id: r.capture_id, reason: 'used by a running execution' });
      continue;
    }
    const counts: Record<string, number> = {};
    for (const { t, stmt } of counters) {
      const n = (stmt.get(r.capture_id) as { n: number }).n;
      if (n > 0) counts[t] = n;
    }
    candidates.push({
      capture_id: r.capture_id,
      week_ending: r.week_ending,
      tier: r.tier,
      captured_at: r.captured_at,
      status: r.status,
      reason,
      rows: counts,
    });
  }
  const rowsTotal = candidates.reduce((s, c) => s + Object.values(c.rows).reduce((a, b) => a + b, 0), 0);
  return { keep, candidates, protected: protectedList, rows_total: rowsTotal };
}

/**
 * Deletes the planned captures' rows from every capture-scoped table and marks them deleted, all in
 * one transaction; a capture that became in use or latest since planning is skipped, not deleted.
 * `fence` (the gc attempt's fence check) runs first, so a stale attempt deletes nothing. Each deleted
 * capture records the execution that deleted it, so a retried gc reports what its earlier attempt did.
 */
export function applyGc(
  db: Db,
  tables: readonly string[],
  plan: GcPlan,
  now: Date,
  options: { executionId?: string; fence?: () => void; graceMs?: number } = {},
): { deleted: string[]; rows: Record<string, number> } {
  const deleted: string[] = [];
  const rows: Record<string, number> = {};
  db.transaction(() => {
    options.fence?.();
    const { inUse } = captureUsage(db, now, options.graceMs ?? 0);
    const stillLatest = db.prepare('SELECT 1 FROM core_captures_latest WHERE capture_id = ?');
    for (const c of plan.candidates) {
      if (inUse.has(c.capture_id) || stillLatest.get(c.capture_id)) continue;
      const counts: Record<string, number> = {};
      for (const t of tables) {
        const n = db.prepare(`DELETE FROM ${t} WHERE capture_id = ?`).run(c.capture_id).changes;
        if (n > 0) counts[t] = n;
      }
      db.prepare(
        `UPDATE core_captures SET status = 'deleted', deleted_at = ?, status_reason = ?, deleted_by_execution = ?,
           deleted_rows = ? WHERE capture_id = ?`,
      ).run(formatUtc(now), `gc: ${c.reason}`, options.executionId ?? null, JSON.stringify(counts), c.capture_id);
      deleted.push(c.capture_id);
      for (const [t, n] of Object.entries(counts)) rows[t] = (rows[t] ?? 0) + n;
    }
  }).immediate();
  return options.executionId ? deletedBy(db, options.executionId) : { deleted, rows };
}

/** What one gc execution deleted, over all its attempts. */
function deletedBy(db: Db, executionId: string): { deleted: string[]; rows: Record<string, number> } {
  const found = db
    .prepare(
      `SELECT capture_id, deleted_rows FROM core_captures WHERE deleted_by_execution = ? ORDER BY deleted_at, capture_id`,
    )
    .all(executionId) as { capture_id: string; deleted_rows: string | null }[];
  const rows: Record<string, number> = {};
  for (const f of found) {
    const counts = JSON.parse(f.deleted_rows ?? '{}') as Record<string, number>;
    for (const [t, n] of Object.entries(counts)) rows[t] = (rows[t] ?? 0) + n;
  }
  return { deleted: found.map((f) => f.capture_id), rows };
}
