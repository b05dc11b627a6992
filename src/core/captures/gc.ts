import { formatUtc } from '../clock.js';
import type { Db } from '../db/open-database.js';

export interface GcOptions {
  readonly domain: string;
  /** Published captures to keep per (week, tier), newest first; the latest is always kept. */
  readonly keep: number;
  readonly week?: string | undefined;
  readonly tier?: string | undefined;
  /** Staged or failed captures older than this ISO instant are garbage too (crashed or rejected runs). */
  readonly abandonedBefore: string;
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

/** Captures read or written by a pending or running execution: never collected. */
function capturesInUse(db: Db): Set<string> {
  const rows = db
    .prepare(
      `SELECT DISTINCT e.capture_id AS id FROM core_execution_events e JOIN core_executions x ON x.id = e.execution_id
         WHERE x.status IN ('pending', 'running') AND e.capture_id IS NOT NULL
       UNION SELECT c.capture_id FROM core_captures c JOIN core_executions x ON x.id = c.execution_id
         WHERE x.status IN ('pending', 'running')`,
    )
    .all() as { id: string }[];
  return new Set(rows.map((r) => r.id));
}

/**
 * Decides what gc removes, changing nothing: per (week, tier) the published captures beyond the `keep`
 * newest, plus abandoned staged/failed captures. Counts the rows each would lose, table by table.
 */
export function planGc(db: Db, tables: readonly string[], o: GcOptions): GcPlan {
  const inUse = capturesInUse(db);
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
    } else if (r.created_at < o.abandonedBefore) {
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
 */
export function applyGc(
  db: Db,
  tables: readonly string[],
  plan: GcPlan,
  now: Date,
): { deleted: string[]; rows: Record<string, number> } {
  return db
    .transaction(() => {
      const inUse = capturesInUse(db);
      const deleted: string[] = [];
      const rows: Record<string, number> = {};
      const stillLatest = db.prepare('SELECT 1 FROM core_captures_latest WHERE capture_id = ?');
      for (const c of plan.candidates) {
        if (inUse.has(c.capture_id) || stillLatest.get(c.capture_id)) continue;
        for (const t of tables) {
          const n = db.prepare(`DELETE FROM ${t} WHERE capture_id = ?`).run(c.capture_id).changes;
          if (n > 0) rows[t] = (rows[t] ?? 0) + n;
        }
        db.prepare(
          `UPDATE core_captures SET status = 'deleted', deleted_at = ?, status_reason = ? WHERE capture_id = ?`,
        ).run(formatUtc(now), `gc: ${c.reason}`, c.capture_id);
        deleted.push(c.capture_id);
      }
      return { deleted, rows };
    })
    .immediate();
}
