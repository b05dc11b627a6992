import type { Db } from '../../../core/db/open-database.js';
import { OTC_DOMAIN } from '../constants.js';
import type { StaleInput } from '../calculations/revision-impact.js';
import type { Tier } from '../tiers.js';

/**
 * One derived dataset of a latest published capture whose input capture has since been superseded: the
 * shape the pure recompute plan (calculations/revision-impact.ts) takes, defined there.
 */
export type StaleDerived = StaleInput;

/**
 * Derived data computed from a capture that is no longer current (migration 071). An input counts as
 * current when the latest published capture of its (week, tier) holds the same source rows: the same
 * capture, or a recompute capture carrying them (same `base_capture_id`), so a recompute of week W makes
 * nothing stale downstream. Only latest published captures are checked: older ones are history, read
 * only with `--as-of`. Sorted by tier, week, dataset, input week.
 */
export function findStaleDerived(db: Db, opts: { tier?: Tier; weeks?: readonly string[] } = {}): StaleDerived[] {
  const where: string[] = [];
  const args: unknown[] = [OTC_DOMAIN];
  if (opts.tier !== undefined) {
    where.push('l.tier = ?');
    args.push(opts.tier);
  }
  if (opts.weeks !== undefined) {
    if (opts.weeks.length === 0) return [];
    where.push(`l.week_ending IN (SELECT value FROM json_each(?))`);
    args.push(JSON.stringify(opts.weeks));
  }
  return db
    .prepare(
      `SELECT l.week_ending, l.tier, l.capture_id, d.dataset, d.input_week_ending, d.input_tier, d.input_capture_id,
         cur.capture_id AS superseded_by
       FROM core_captures_latest l
       JOIN core_derived_inputs d ON d.capture_id = l.capture_id
       LEFT JOIN core_captures i ON i.capture_id = d.input_capture_id
       LEFT JOIN core_captures_latest cur
         ON cur.domain = l.domain AND cur.week_ending = d.input_week_ending AND cur.tier = d.input_tier
       WHERE l.domain = ? ${where.map((w) => `AND ${w}`).join(' ')}
         AND (cur.capture_id IS NULL
           OR COALESCE(cur.base_capture_id, cur.capture_id) <> COALESCE(i.base_capture_id, d.input_capture_id))
       ORDER BY l.tier, l.week_ending, d.dataset, d.input_week_ending, d.input_tier`,
    )
    .all(...args) as StaleDerived[];
}
