import { formatCapturedAt } from '../clock.js';
import type { Db } from '../db/open-database.js';
import { ErrorCodes, SpineError } from '../errors.js';
import { isRelativeInstant, parseInstant } from '../time-window.js';

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
 * Parses `--as-of`: `latest`; a moment (`now`, a duration back from now such as `2h` or `7d`, a date, which
 * means the end of that day in UTC, or an ISO instant), read against captured_at; anything else is a
 * capture id in any form `resolveCaptureId` accepts (full, unique prefix, short hash). The instant is
 * converted to the fixed-width captured_at format so text comparison is time comparison.
 */
export function parseAsOf(value: string | undefined, publishedAsOf?: string, now: Date = new Date()): AsOf {
  if (publishedAsOf) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(publishedAsOf)) {
      throw new SpineError(
        ErrorCodes.INVALID_DATE,
        `--published-as-of must be a date YYYY-MM-DD, got '${publishedAsOf}'`,
      );
    }
    return { kind: 'published', sourceDate: publishedAsOf };
  }
  const v = value?.trim();
  if (!v || v === 'latest') return { kind: 'latest' };
  if (isRelativeInstant(v))
    return { kind: 'instant', capturedAt: formatCapturedAt(new Date(parseInstant('as-of', v, now))) };
  if (/^\d{4}-\d{2}-\d{2}(T|$)/.test(v)) {
    const text = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T23:59:59.999Z` : v;
    const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
    if (Number.isNaN(t)) {
      throw new SpineError(
        ErrorCodes.INVALID_PARAMS,
        `--as-of must be 'latest', a moment (now, 2h, 7d, 2025-12-20, 2025-12-20T10:00:00Z) or a capture id, got '${v}'`,
      );
    }
    return { kind: 'instant', capturedAt: formatCapturedAt(new Date(t)) };
  }
  return { kind: 'capture', captureId: v };
}

/** The first capture (any status but staged or failed) of the given weeks and tiers, for "nothing before" answers. */
export function firstCapture(
  db: Db,
  domain: string,
  weeks: readonly string[] | undefined,
  tiers: readonly string[],
): CaptureRef | undefined {
  const weekSql = weeks && weeks.length > 0 ? `AND week_ending IN (${weeks.map(() => '?').join(',')})` : '';
  return db
    .prepare(
      `SELECT ${COLS} FROM core_captures WHERE domain = ? AND status IN ('published', 'superseded', 'deleted')
         AND tier IN (${tiers.map(() => '?').join(',')}) ${weekSql}
       ORDER BY captured_at ASC LIMIT 1`,
    )
    .get(domain, ...tiers, ...(weeks ?? [])) as CaptureRef | undefined;
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
