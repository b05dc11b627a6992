/**
 * One week of one tier read from the FINRA Query API for comparison, not for storage: every page is
 * fetched (through the source's paging and HTTP back-off) and folded into the content hash a capture of
 * it would get. Nothing is written. The rows are not kept, so memory stays at one page.
 */
import { SourceError, SpineError } from '../../../core/errors.js';
import { describeApiSource, fetchFinraWeekly } from '../sources/index.js';
import type { Tier } from '../tiers.js';
import { ContentHasher } from './content-hash.js';

export type WeekFetch =
  | {
      readonly kind: 'data';
      readonly source: string;
      readonly contentHash: string;
      readonly sourceLastUpdateDate: string | null;
      /** Rows served (kept records and row rejects). */
      readonly rows: number;
      readonly requests: number;
    }
  /** The API has no rows for the week: not published yet, or withheld. */
  | { readonly kind: 'absent'; readonly source: string; readonly requests: number; readonly reason: string }
  | {
      readonly kind: 'failed';
      readonly source: string;
      readonly requests: number;
      readonly errorCode: string;
      readonly message: string;
    };

export interface FetchWeekOptions {
  readonly tier: Tier;
  readonly weekEnding: string;
  readonly now: Date;
  /** Lets the caller yield (heartbeats) between pages. */
  readonly onPage?: () => Promise<void>;
}

export async function fetchWeekForCompare(opts: FetchWeekOptions): Promise<WeekFetch> {
  const base = { tier: opts.tier, weekEnding: opts.weekEnding, now: opts.now };
  const source = describeApiSource(base);
  let requests = 0;
  const hasher = new ContentHasher();
  try {
    for await (const batch of fetchFinraWeekly({ ...base, onRequest: () => requests++ })) {
      hasher.add(batch);
      await opts.onPage?.();
    }
  } catch (err) {
    if (err instanceof SourceError && err.details['rule'] === 'NO_DATA') {
      return { kind: 'absent', source, requests, reason: err.message };
    }
    if (err instanceof SpineError) {
      return { kind: 'failed', source, requests, errorCode: err.code, message: err.message };
    }
    throw err;
  }
  return {
    kind: 'data',
    source,
    contentHash: hasher.digest(),
    sourceLastUpdateDate: hasher.latestUpdate,
    rows: hasher.rows,
    requests,
  };
}
