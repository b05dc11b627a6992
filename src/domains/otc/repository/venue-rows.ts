import type { Db } from '../../../core/db/open-database.js';
import { OTC_TABLES } from '../constants.js';
import type { Tier } from '../tiers.js';
import type { VenueRow } from '../types.js';
import { fromSqlInteger } from './sql-integer.js';

const PAGE = 20_000;

interface Row {
  symbol: string;
  mpid: string;
  venue_name: string | null;
  issue_name: string | null;
  total_shares: number | bigint;
  total_trades: number | bigint;
}

/**
 * A capture's normalized venue rows in (symbol, mpid) order, read in keyset pages so no cursor stays open
 * and memory holds one page at a time. The row-value comparison lets each page seek the index directly. Integers are exact (bigint only above 2^53).
 */
export function* venueRows(
  db: Db,
  captureId: string,
  weekEnding: string,
  tier: Tier,
): Generator<VenueRow & { issueName: string | null }> {
  const stmt = db
    .prepare(
      `SELECT symbol, mpid, venue_name, issue_name, total_shares, total_trades FROM ${OTC_TABLES.venueVolume}
       WHERE capture_id = ? AND (symbol, mpid) > (?, ?) ORDER BY symbol, mpid LIMIT ?`,
    )
    .safeIntegers(true);
  let lastSymbol = '';
  let lastMpid = '';
  for (;;) {
    const rows = stmt.all(captureId, lastSymbol, lastMpid, PAGE) as Row[];
    for (const r of rows) {
      yield {
        weekEnding,
        tier,
        symbol: r.symbol,
        mpid: r.mpid,
        venueName: r.venue_name,
        issueName: r.issue_name,
        totalShares: fromSqlInteger(r.total_shares),
        totalTrades: fromSqlInteger(r.total_trades),
        captureId,
      };
    }
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) return;
    lastSymbol = last.symbol;
    lastMpid = last.mpid;
  }
}

/** Passes items through unchanged, showing each to `see` first (counting, collecting names). */
export function* tap<T>(items: Iterable<T>, see: (item: T) => void): Generator<T> {
  for (const item of items) {
    see(item);
    yield item;
  }
}
