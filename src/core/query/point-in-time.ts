import { formatCapturedAt } from '../clock.js';
import type { Db } from '../db/open-database.js';
import { ErrorCodes, SpineError } from '../errors.js';

export interface CaptureRef {
  readonly capture_id: string;
  readonly week_ending: string;
  readonly tier: string;
  readonly captured_at: string;
  readonly source_last_update_date: string | null;
  readonly status: string;
}

export type AsOf =
  | { readonly kind: 'latest' }
  | { readonly kind: 'capture'; readonly captureId: string }
  | { readonly kind: 'instant'; readonly capturedAt: string }
  | { readonly kind: 'published'; readonly sourceDate: string };

const COLS = 'capture_id, week_ending, tier, captured_at, source_last_update_date, status';

/**
 * Parses `--as-of`: `latest`, a capture id (contains ':'), or an ISO instant/date (UTC). The instant is
 * converted to the fixed-width captured_at format so text comparison is time comparison.
 */
export function parseAsOf(value: string | undefined, publishedAsOf?: string): AsOf {
  if (publishedAsOf) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(publishedAsOf)) {
      throw new SpineError(
        ErrorCodes.INVALID_DATE,
        `--published-as-of must be a date YYYY-MM-DD, got '${publishedAsOf}'`,
      );
    }
    return { kind: 'published', sourceDate: publishedAsOf };
  }
  if (!value || value === 'latest') return { kind: 'latest' };
  if (value.includes(':') && !/^\d{4}-\d{2}-\d{2}T/.test(value)) return { kind: 'capture', captureId: value };
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : value;
  const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(t)) {
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `--as-of must be 'latest', a capture id or an ISO instant (2025-12-20T10:00:00Z), got '${value}'`,
    );
  }
  return { kind: 'instant', capturedAt: formatCapturedAt(new Date(t)) };
}

/** The latest published capture of (week, tier); undefined when there is none. */
export function getLatestCapture(db: Db, domain: string, week: string, tier: string): CaptureRef | undefined {
  return db
    .prepare(
      `SELECT ${COLS} FROM core_captures WHERE domain = ? AND week_ending = ? AND tier = ? AND status = 'published'
       ORDER BY captured_at DESC LIMIT 1`,
    )
    .get(domain, week, tier) as CaptureRef | undefined;
}

/**
 * The capture that was latest at `capturedAt`: the newest published capture captured at or before it.
 * Captures deleted later (gc, replace) no longer answer; the error says so instead of silently moving on.
 */
export function captureAsOf(
  db: Db,
  domain: string,
  week: string,
  tier: string,
  capturedAt: string,
): CaptureRef | undefined {
  const row = db
    .prepare(
      `SELECT ${COLS} FROM core_captures WHERE domain = ? AND week_ending = ? AND tier = ?
         AND status IN ('published', 'superseded', 'deleted') AND captured_at <= ?
       ORDER BY captured_at DESC LIMIT 1`,
    )
    .get(domain, week, tier, capturedAt) as CaptureRef | undefined;
  if (row && row.status !== 'published') {
    throw new SpineError(
      ErrorCodes.NOT_FOUND,
      `Capture ${row.capture_id} was the latest for week ${week} tier ${tier} at ${capturedAt}, but it has been ${row.status}`,
      { details: { capture_id: row.capture_id, status: row.status } },
    );
  }
  return row;
}

/** The newest published capture whose source update date (clock 2) is on or before `sourceDate`. */
export function capturePublishedAsOf(
  db: Db,
  domain: string,
  week: string,
  tier: string,
  sourceDate: string,
): CaptureRef | undefined {
  return db
    .prepare(
      `SELECT ${COLS} FROM core_captures WHERE domain = ? AND week_ending = ? AND tier = ? AND status = 'published'
         AND source_last_update_date <= ?
       ORDER BY source_last_update_date DESC, captured_at DESC LIMIT 1`,
    )
    .get(domain, week, tier, sourceDate) as CaptureRef | undefined;
}

export function captureById(db: Db, captureId: string): CaptureRef | undefined {
  return db.prepare(`SELECT ${COLS} FROM core_captures WHERE capture_id = ?`).get(captureId) as CaptureRef | undefined;
}

/** Resolves one (week, tier) partition under an as-of rule. */
export function resolveCapture(db: Db, domain: string, week: string, tier: string, asOf: AsOf): CaptureRef | undefined {
  switch (asOf.kind) {
    case 'latest':
      return getLatestCapture(db, domain, week, tier);
    case 'instant':
      return captureAsOf(db, domain, week, tier, asOf.capturedAt);
    case 'published':
      return capturePublishedAsOf(db, domain, week, tier, asOf.sourceDate);
    case 'capture': {
      const c = captureById(db, asOf.captureId);
      return c && c.week_ending === week && c.tier === tier ? c : undefined;
    }
  }
}
