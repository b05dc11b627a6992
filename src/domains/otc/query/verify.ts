import type { Db } from '../../../core/db/open-database.js';
import { OTC_DOMAIN, OTC_TABLES } from '../constants.js';

export interface VerifyCheck {
  readonly week_ending: string;
  readonly tier: string;
  readonly capture_id: string;
  readonly check: string;
  readonly status: 'PASS' | 'FAIL';
  readonly detail: string;
}

const count = (db: Db, sql: string, ...args: unknown[]): number => (db.prepare(sql).get(...args) as { n: number }).n;

/**
 * Re-checks the published data the pipelines wrote (the reference's `verify data` read a table nobody
 * wrote): per latest capture, the registry's row counts match the tables, raw reconciles with accepted +
 * rejected, no NULL or negative values, venue shares sum to 1 and HHI stays in [0, 1].
 */
export function verifyData(db: Db, filter: { week?: string | undefined; tier?: string | undefined }): VerifyCheck[] {
  const captures = db
    .prepare(
      `SELECT capture_id, week_ending, tier, row_counts FROM core_captures_latest
       WHERE domain = ? AND (? IS NULL OR week_ending = ?) AND (? IS NULL OR tier = ?) ORDER BY week_ending, tier`,
    )
    .all(OTC_DOMAIN, filter.week ?? null, filter.week ?? null, filter.tier ?? null, filter.tier ?? null) as {
    capture_id: string;
    week_ending: string;
    tier: string;
    row_counts: string;
  }[];
  const out: VerifyCheck[] = [];
  for (const c of captures) {
    const add = (check: string, ok: boolean, detail: string): void => {
      out.push({
        week_ending: c.week_ending,
        tier: c.tier,
        capture_id: c.capture_id,
        check,
        status: ok ? 'PASS' : 'FAIL',
        detail,
      });
    };
    const registered = JSON.parse(c.row_counts) as Record<string, number>;
    const mismatched = Object.entries(registered).filter(
      ([table, n]) => count(db, `SELECT COUNT(*) AS n FROM ${table} WHERE capture_id = ?`, c.capture_id) !== n,
    );
    add(
      'row_counts_match',
      mismatched.length === 0,
      mismatched.length === 0
        ? `${Object.keys(registered).length} tables`
        : `differs: ${mismatched.map(([t]) => t).join(', ')}`,
    );
    const raw = count(db, `SELECT COUNT(*) AS n FROM ${OTC_TABLES.raw} WHERE capture_id = ?`, c.capture_id);
    const accepted = count(
      db,
      `SELECT COUNT(*) AS n FROM ${OTC_TABLES.venueVolume} WHERE capture_id = ?`,
      c.capture_id,
    );
    const rejected = count(
      db,
      `SELECT COUNT(*) AS n FROM core_rejects WHERE capture_id = ? AND stage = 'NORMALIZE'`,
      c.capture_id,
    );
    if (accepted > 0)
      add('raw_reconciles', raw === accepted + rejected, `raw ${raw} = accepted ${accepted} + rejected ${rejected}`);
    const bad = count(
      db,
      `SELECT COUNT(*) AS n FROM ${OTC_TABLES.venueVolume} WHERE capture_id = ?
         AND (symbol IS NULL OR symbol = '' OR mpid = '' OR total_shares < 0 OR total_trades < 0)`,
      c.capture_id,
    );
    if (accepted > 0) add('no_null_or_negative', bad === 0, `${bad} bad venue rows`);
    const share = db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(market_share_pct), 0) AS s FROM ${OTC_TABLES.venueShare} WHERE capture_id = ?`,
      )
      .get(c.capture_id) as { n: number; s: number };
    if (share.n > 0) add('venue_share_sum', Math.abs(share.s - 1) <= 1e-4, `Σ share = ${share.s}`);
    const hhiBad = count(
      db,
      `SELECT COUNT(*) AS n FROM ${OTC_TABLES.hhi} WHERE capture_id = ? AND (hhi < 0 OR hhi > 1)`,
      c.capture_id,
    );
    add('hhi_range', hhiBad === 0, `${hhiBad} symbols outside [0, 1]`);
  }
  return out;
}
