/**
 * Quality checks as pure functions (domain-spec §11.2, §10.5): each returns one `core_quality`-shaped
 * result, so the runner that stores them and the tests that assert them see the same values. Thresholds
 * are exported constants because they are part of what a WARN means.
 */
import { countToNumber, isZeroCount } from '../count.js';
import type { Count } from '../types.js';
import { SHARE_SUM_TOLERANCE } from './venue-share.js';
import type { InvariantViolation } from './venue-share.js';

export type QualityCategory = 'INTEGRITY' | 'COMPLETENESS' | 'BUSINESS_RULE';
export type QualityStatus = 'PASS' | 'WARN' | 'FAIL';
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface QualityResult {
  readonly checkName: string;
  readonly category: QualityCategory;
  readonly status: QualityStatus;
  readonly message: string;
  readonly actual: JsonValue;
  readonly expected: JsonValue;
}

export const VOLUME_SWING_THRESHOLD = 0.5;
export const VENUE_DROP_THRESHOLD = 0.2;
export const HHI_SLACK = 1e-12;

/** venue_share_sum: the tier's venue shares must add up to 1 within 1e-4. */
export function checkVenueShareSum(shares: readonly number[], tolerance = SHARE_SUM_TOLERANCE): QualityResult {
  const sum = shares.reduce((a, b) => a + b, 0);
  const ok = shares.length > 0 && Math.abs(sum - 1) <= tolerance;
  const message = shares.length === 0 ? 'no venue share rows' : `venue shares sum to ${sum}`;
  return {
    checkName: 'venue_share_sum',
    category: 'BUSINESS_RULE',
    status: ok ? 'PASS' : 'FAIL',
    message,
    actual: sum,
    expected: 1,
  };
}

/** venue_share_invariant: the §9.7 FAIL row recorded instead of crashing when invariants break. */
export function checkVenueShareInvariantResult(violations: readonly InvariantViolation[]): QualityResult {
  const ok = violations.length === 0;
  return {
    checkName: 'venue_share_invariant',
    category: 'BUSINESS_RULE',
    status: ok ? 'PASS' : 'FAIL',
    message: ok ? 'venue share invariants hold' : violations.map((v) => `${v.rule}: ${v.message}`).join('; '),
    actual: violations.length,
    expected: 0,
  };
}

/** What hhi_range looks at: how many HHI values, how many fall outside 0..1 (+1e-12), the extremes. */
export interface HhiStats {
  readonly count: number;
  readonly outOfRange: number;
  readonly min: number | null;
  readonly max: number | null;
}

/** True when an HHI is within 0..1, allowing HHI_SLACK above 1 for rounding. */
export function hhiInRange(h: number): boolean {
  return h >= 0 && h <= 1 + HHI_SLACK;
}

/** hhi_range from precomputed stats (the calcs stage aggregates them in SQLite). */
export function hhiRangeResult(stats: HhiStats): QualityResult {
  const bad = stats.outOfRange;
  return {
    checkName: 'hhi_range',
    category: 'BUSINESS_RULE',
    status: bad === 0 ? 'PASS' : 'FAIL',
    message: bad === 0 ? `${stats.count} HHI values within 0..1` : `${bad} HHI values outside 0..1`,
    actual: { min: stats.min, max: stats.max, outOfRange: bad },
    expected: { min: 0, max: 1 },
  };
}

/** hhi_range: every HHI within 0..1. */
export function checkHhiRange(hhis: readonly number[]): QualityResult {
  let bad = 0;
  let min: number | null = null;
  let max: number | null = null;
  for (const h of hhis) {
    if (!hhiInRange(h)) bad++;
    if (min === null || h < min) min = h;
    if (max === null || h > max) max = h;
  }
  return hhiRangeResult({ count: hhis.length, outOfRange: bad, min, max });
}

/** raw_reconciles: every raw row is either accepted or rejected, none lost. */
export function checkRawReconciles(rawRows: number, accepted: number, rejected: number): QualityResult {
  const ok = rawRows === accepted + rejected;
  return {
    checkName: 'raw_reconciles',
    category: 'INTEGRITY',
    status: ok ? 'PASS' : 'FAIL',
    message: `${rawRows} raw rows, ${accepted} accepted + ${rejected} rejected = ${accepted + rejected}`,
    actual: { raw: rawRows, accepted, rejected },
    expected: { raw: accepted + rejected },
  };
}

/** week_over_week_volume_swing: WARN when |Δ volume| / prior > 50%; PASS without a prior week. */
export function checkWeekOverWeekVolumeSwing(current: Count, prior: Count | null): QualityResult {
  const name = 'week_over_week_volume_swing';
  const cur = countToNumber(current);
  if (prior === null) {
    return {
      checkName: name,
      category: 'BUSINESS_RULE',
      status: 'PASS',
      message: 'no prior week to compare',
      actual: cur,
      expected: null,
    };
  }
  const prev = countToNumber(prior);
  const swing = isZeroCount(prior) ? (cur === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(cur - prev) / prev;
  const warn = swing > VOLUME_SWING_THRESHOLD;
  const pct = Number.isFinite(swing) ? `${(swing * 100).toFixed(1)}%` : 'from zero';
  return {
    checkName: name,
    category: 'BUSINESS_RULE',
    status: warn ? 'WARN' : 'PASS',
    message: `volume ${cur} vs prior ${prev} (swing ${pct})`,
    actual: { current: cur, prior: prev, swing: Number.isFinite(swing) ? swing : null },
    expected: { maxSwing: VOLUME_SWING_THRESHOLD },
  };
}

/** venue_drop: WARN when the number of venues fell by more than 20% from the prior week. */
export function checkVenueDrop(currentVenues: number, priorVenues: number | null): QualityResult {
  const name = 'venue_drop';
  if (priorVenues === null || priorVenues === 0) {
    const message = priorVenues === null ? 'no prior week to compare' : 'prior week had no venues';
    return {
      checkName: name,
      category: 'COMPLETENESS',
      status: 'PASS',
      message,
      actual: currentVenues,
      expected: null,
    };
  }
  const drop = (priorVenues - currentVenues) / priorVenues;
  return {
    checkName: name,
    category: 'COMPLETENESS',
    status: drop > VENUE_DROP_THRESHOLD ? 'WARN' : 'PASS',
    message: `${currentVenues} venues vs ${priorVenues} the prior week`,
    actual: { current: currentVenues, prior: priorVenues, drop },
    expected: { maxDrop: VENUE_DROP_THRESHOLD },
  };
}
