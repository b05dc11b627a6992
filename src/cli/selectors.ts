import { Flags } from '@oclif/core';
import type { AsOf } from '../core/query/point-in-time.js';
import { ErrorCodes, SpineError } from '../core/errors.js';
import { tierFlag, weekFlag } from './flags.js';

/**
 * The point-in-time selectors of `spine query`, shared by `spine export` so both read the same rows:
 * which weeks and tiers, which symbol or venue, and which capture answers each (week, tier).
 */
export const selectorFlags = {
  week: weekFlag,
  from: Flags.string({ description: 'First week of a range (inclusive)' }),
  to: Flags.string({ description: 'Last week of a range (inclusive)' }),
  tier: tierFlag,
  symbol: Flags.string({ description: 'Only this symbol' }),
  mpid: Flags.string({ description: 'Only this venue (MPID)' }),
  'as-of': Flags.string({
    default: 'latest',
    description: "'latest', a moment by captured_at (now, 2h, 7d, 2025-12-20, an ISO instant) or a capture id",
  }),
  'published-as-of': Flags.string({
    description: 'Newest capture whose source update date (clock 2) is on or before this date',
  }),
};

export interface SelectorFlagValues {
  readonly week?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly tier?: string | undefined;
  readonly symbol?: string | undefined;
  readonly mpid?: string | undefined;
  readonly 'as-of': string;
  readonly 'published-as-of'?: string | undefined;
}

export interface Selectors {
  readonly weeks: string[] | undefined;
  readonly tier: string | undefined;
  readonly symbol: string | undefined;
  readonly mpid: string | undefined;
  readonly asOf: AsOf;
}

/** Validates the selector flags (Fridays, tiers, as-of forms) into what the query layer takes. */
export async function resolveSelectors(flags: SelectorFlagValues): Promise<Selectors> {
  const [{ parseAsOf }, { normalizeTier }, { assertFriday, weekRange }] = await Promise.all([
    import('../core/query/point-in-time.js'),
    import('../domains/otc/tiers.js'),
    import('../core/week-ending.js'),
  ]);
  if (flags.week && (flags.from || flags.to)) {
    throw new SpineError(ErrorCodes.INVALID_PARAMS, 'Use either --week or --from/--to, not both');
  }
  if ((flags.from && !flags.to) || (!flags.from && flags.to)) {
    throw new SpineError(ErrorCodes.INVALID_PARAMS, '--from and --to go together');
  }
  const weeks = flags.week
    ? [assertFriday(flags.week, '--week')]
    : flags.from && flags.to
      ? weekRange(assertFriday(flags.from, '--from'), assertFriday(flags.to, '--to'))
      : undefined;
  return {
    weeks,
    tier: flags.tier ? normalizeTier(flags.tier) : undefined,
    symbol: flags.symbol,
    mpid: flags.mpid,
    asOf: parseAsOf(flags['as-of'], flags['published-as-of']),
  };
}
