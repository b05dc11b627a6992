import { tryParseIsoDate } from './dates.js';
import { ErrorCodes, SpineError } from './errors.js';

const RELATIVE = /^(\d+)\s*(m|min|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** True for the relative forms `now`, `90m`, `24h`, `7d`, `2w` (durations back from now). */
export function isRelativeInstant(value: string): boolean {
  const v = value.trim();
  return v.toLowerCase() === 'now' || RELATIVE.test(v);
}

/**
 * Parses `--since` / `--until` / `--older-than` / `--as-of` values: `now`, a duration back from now
 * (`90m`, `24h`, `7d`, `2w`), a date (`2025-12-01`, midnight UTC) or an ISO instant. Returns an ISO UTC
 * instant for text comparison.
 */
export function parseInstant(flag: string, value: string, now: Date): string {
  const v = value.trim();
  if (v.toLowerCase() === 'now') return now.toISOString();
  const rel = RELATIVE.exec(v);
  if (rel) {
    const ms = Number(rel[1]) * (UNIT_MS[(rel[2] ?? '').toLowerCase()] ?? 0);
    return new Date(now.getTime() - ms).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = tryParseIsoDate(v);
    if (d) return `${d}T00:00:00.000Z`;
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? v : `${v}Z`);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  const why = `'${value}' is not 'now', a duration (90m, 24h, 7d, 2w), a date (2025-12-01) or an ISO instant (2025-12-01T10:00:00Z)`;
  // The shape of a BadParamsError, worded with the flag the user typed.
  throw new SpineError(ErrorCodes.INVALID_PARAMS, `Invalid --${flag}: ${why}`, {
    details: { missing: [], invalid: { [flag]: why } },
  });
}
