/**
 * Whether what the API serves for a week differs from the latest capture (pure). Both of the capture's
 * source fingerprints count: the content hash (the rows' numbers and keys) and the newest lastUpdateDate
 * (clock 2). A restamp with the same numbers is still published: as-of queries by source date must see it.
 */
export type CompareReason = 'new_week' | 'content_changed' | 'source_date_changed' | 'unchanged';

export interface CaptureFingerprint {
  readonly content_hash: string | null;
  readonly source_last_update_date: string | null;
}

export function compareWithLatest(
  served: { readonly contentHash: string; readonly sourceLastUpdateDate: string | null },
  latest: CaptureFingerprint | undefined,
): CompareReason {
  if (latest === undefined) return 'new_week';
  if (latest.content_hash !== served.contentHash) return 'content_changed';
  if (latest.source_last_update_date !== served.sourceLastUpdateDate) return 'source_date_changed';
  return 'unchanged';
}
