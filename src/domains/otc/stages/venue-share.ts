import type { StageOutcome } from '../../../contracts/execution.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { checkVenueShareInvariantResult } from '../calculations/quality.js';
import { checkVenueShareInvariants, rankVenueTotals } from '../calculations/venue-share.js';
import { OTC_TABLES } from '../constants.js';
import { writeQuality } from '../repository/quality.js';
import { venueTotals } from '../repository/set-based.js';
import type { Tier } from '../tiers.js';
import { replaceCaptureRows } from './chunks.js';
import { inputCapture, partitionFrom } from './otc-stage-context.js';

const COLUMNS = [
  'week_ending',
  'tier',
  'mpid',
  'venue_name',
  'total_volume',
  'total_trades',
  'symbol_count',
  'market_share_pct',
  'rank',
  'calc_version',
];

/**
 * Venue market share across all symbols (domain-spec §10.2; the definition is `computeVenueShares`).
 * SQLite sums each venue (GROUP BY mpid, a few dozen rows out of the capture's million); shares and
 * ranks come from `rankVenueTotals`, the same function the definition uses. Always recomputes (no
 * manifest stage). An invariant failure is recorded as a FAIL quality row (venue_share_invariant), not a
 * crash.
 */
export async function venueShareStage(ctx: StageContext): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const capture = inputCapture(ctx, partition, 'normalized data');
  const tier = capture.tier as Tier;
  const venueNames = new Map<string, string>();
  const { shares, violations } = await logStep(ctx.log, 'venue_share.compute', (span) => {
    const totals = venueTotals(ctx.db, capture.capture_id, capture.week_ending, tier);
    for (const t of totals) if (t.venueName) venueNames.set(t.mpid, t.venueName);
    const out = rankVenueTotals(totals);
    span.addMetrics({ rows_in: totals.reduce((n, t) => n + t.symbolCount, 0), rows_out: out.length });
    return { shares: out, violations: checkVenueShareInvariants(out) };
  });
  await replaceCaptureRows(ctx, capture, OTC_TABLES.venueShare, COLUMNS, shares, (s) => [
    s.weekEnding,
    s.tier,
    s.mpid,
    venueNames.get(s.mpid) ?? s.mpid,
    s.totalVolume,
    s.totalTrades,
    s.symbolCount,
    s.marketSharePct,
    s.rank,
    'v1',
  ]);
  writeQuality(ctx, partition.key, capture.capture_id, [checkVenueShareInvariantResult(violations)]);
  const top = shares.slice(0, 5).map((s) => ({
    mpid: s.mpid,
    volume: Number(s.totalVolume),
    share: Number(s.marketSharePct.toFixed(6)),
    rank: s.rank,
  }));
  return {
    state: { capture_id: capture.capture_id, venues: shares.length, top_venues: top },
    metrics: {
      venues: shares.length,
      capture_id: capture.capture_id,
      calc_version: 'v1',
      invariant_errors: violations.length,
    },
    rowsOut: shares.length,
    captureId: capture.capture_id,
  };
}
