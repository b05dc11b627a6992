import type { Db } from '../../../core/db/open-database.js';
import { OTC_DOMAIN, OTC_TABLES } from '../constants.js';

export interface WeekOverview {
  readonly week_ending: string;
  readonly tier: string;
  readonly latest_capture_id: string;
  readonly captured_at: string;
  readonly source_last_update_date: string | null;
  readonly symbols: number;
  readonly total_volume: number;
  readonly captures: number;
}

/** One row per published (week, tier), newest week first, read from the latest views. */
export function listWeeks(db: Db, tier: string | undefined, limit: number): WeekOverview[] {
  return db
    .prepare(
      `SELECT l.week_ending, l.tier, l.capture_id AS latest_capture_id, l.captured_at, l.source_last_update_date,
         (SELECT COUNT(*) FROM ${OTC_TABLES.symbolSummary} s WHERE s.capture_id = l.capture_id) AS symbols,
         (SELECT COALESCE(SUM(total_volume), 0) FROM ${OTC_TABLES.symbolSummary} s WHERE s.capture_id = l.capture_id) AS total_volume,
         (SELECT COUNT(*) FROM core_captures c WHERE c.domain = l.domain AND c.week_ending = l.week_ending
            AND c.tier = l.tier AND c.status = 'published') AS captures
       FROM core_captures_latest l
       WHERE l.domain = ? AND (? IS NULL OR l.tier = ?)
       ORDER BY l.week_ending DESC, l.tier LIMIT ?`,
    )
    .all(OTC_DOMAIN, tier ?? null, tier ?? null, limit) as WeekOverview[];
}
