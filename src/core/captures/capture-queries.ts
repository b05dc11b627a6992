import type { Db } from '../db/open-database.js';

export interface CaptureListItem {
  readonly capture_id: string;
  readonly week_ending: string;
  readonly tier: string;
  readonly captured_at: string;
  readonly source_last_update_date: string | null;
  readonly status: string;
  readonly is_latest: boolean;
  readonly row_counts: Record<string, number>;
  readonly quality_status: string | null;
  readonly execution_id: string;
  readonly source: string | null;
  readonly status_reason: string | null;
}

export interface CaptureFilter {
  readonly domain: string;
  readonly week?: string | undefined;
  readonly tier?: string | undefined;
  readonly status?: string | undefined;
  readonly limit?: number | undefined;
}

/** Captures newest first, each flagged when it is its partition's latest published capture. */
export function listCaptures(db: Db, f: CaptureFilter): CaptureListItem[] {
  const rows = db
    .prepare(
      `SELECT c.capture_id, c.week_ending, c.tier, c.captured_at, c.source_last_update_date, c.status,
         (l.capture_id IS NOT NULL) AS is_latest, c.row_counts, c.quality_status, c.execution_id, c.source, c.status_reason
       FROM core_captures c LEFT JOIN core_captures_latest l ON l.capture_id = c.capture_id
       WHERE c.domain = ? AND (? IS NULL OR c.week_ending = ?) AND (? IS NULL OR c.tier = ?) AND (? IS NULL OR c.status = ?)
       ORDER BY c.week_ending DESC, c.tier, c.captured_at DESC LIMIT ?`,
    )
    .all(
      f.domain,
      f.week ?? null,
      f.week ?? null,
      f.tier ?? null,
      f.tier ?? null,
      f.status ?? null,
      f.status ?? null,
      f.limit ?? 1000,
    ) as (Omit<CaptureListItem, 'row_counts' | 'is_latest'> & { row_counts: string; is_latest: number })[];
  return rows.map((r) => ({
    ...r,
    is_latest: r.is_latest === 1,
    row_counts: JSON.parse(r.row_counts) as Record<string, number>,
  }));
}
