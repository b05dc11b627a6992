import type { StageOutcome } from '../../../contracts/execution.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { checkHhiRange } from '../calculations/quality.js';
import {
  weeklySymbolTierVolumeShare,
  weeklySymbolVenueHhi,
  weeklySymbolVenueShare,
  weeklySymbolVenueVolume,
} from '../calculations/symbol-venue.js';
import { OTC_DOMAIN, OTC_TABLES } from '../constants.js';
import { writeQuality } from '../repository/quality.js';
import { venueRows } from '../repository/venue-rows.js';
import { TIERS } from '../tiers.js';
import type { Tier } from '../tiers.js';
import type { VenueRow } from '../types.js';
import { replaceCaptureRows } from './chunks.js';
import { inputCapture, otcCaptures, partitionFrom } from './otc-stage-context.js';

const T = OTC_TABLES;

/**
 * Per-symbol venue analytics (domain-spec §10.3): venue volume, venue share, HHI and tier share, with
 * calc_name/calc_version. The tier share sums each symbol over every tier's latest published capture of
 * the week (plus this capture), fixing the reference, where one capture per tier made every share 1.0.
 */
export async function symbolVenueCalcsStage(ctx: StageContext): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const capture = inputCapture(ctx, partition, 'normalized data');
  const tier = capture.tier as Tier;
  const captures = otcCaptures(ctx);
  const { volumes, shares, hhis, tierShares, inputs } = await logStep(ctx.log, 'calcs.compute', (span) => {
    const rows = [...venueRows(ctx.db, capture.capture_id, capture.week_ending, tier)].map(
      ({ issueName: _i, captureId: _c, ...r }) => r,
    );
    const inputIds = [capture.capture_id];
    const allTiers: VenueRow[] = [...rows];
    for (const other of TIERS) {
      if (other === tier) continue;
      const c = captures.latestPublished(OTC_DOMAIN, capture.week_ending, other);
      if (!c) continue;
      inputIds.push(c.capture_id);
      for (const { issueName: _i, captureId: _c, ...r } of venueRows(ctx.db, c.capture_id, c.week_ending, other))
        allTiers.push(r);
    }
    const s = weeklySymbolVenueShare(rows);
    const out = {
      volumes: weeklySymbolVenueVolume(rows),
      shares: s,
      hhis: weeklySymbolVenueHhi(s),
      tierShares: weeklySymbolTierVolumeShare(allTiers).filter((t) => t.tier === tier),
      inputs: inputIds,
    };
    span.addMetrics({
      rows_in: rows.length,
      rows_out: out.volumes.length + out.shares.length + out.hhis.length + out.tierShares.length,
    });
    return out;
  });
  const inputIds = inputs.join(',');
  await logStep(ctx.log, 'calcs.write', async (span) => {
    await replaceCaptureRows(
      ctx,
      capture,
      T.symbolVenueVolume,
      ['week_ending', 'tier', 'symbol', 'mpid', 'venue_name', 'total_volume', 'trade_count'],
      volumes,
      (r) => [r.weekEnding, r.tier, r.symbol, r.mpid, r.venueName, r.totalVolume, r.tradeCount],
    );
    await replaceCaptureRows(
      ctx,
      capture,
      T.symbolVenueShare,
      ['week_ending', 'tier', 'symbol', 'mpid', 'venue_name', 'venue_volume', 'total_symbol_volume', 'venue_share'],
      shares,
      (r) => [r.weekEnding, r.tier, r.symbol, r.mpid, r.venueName, r.venueVolume, r.totalSymbolVolume, r.venueShare],
    );
    await replaceCaptureRows(
      ctx,
      capture,
      T.hhi,
      ['week_ending', 'tier', 'symbol', 'hhi', 'venue_count', 'total_symbol_volume'],
      hhis,
      (r) => [r.weekEnding, r.tier, r.symbol, r.hhi, r.venueCount, r.totalSymbolVolume],
    );
    await replaceCaptureRows(
      ctx,
      capture,
      T.tierVolumeShare,
      [
        'week_ending',
        'tier',
        'symbol',
        'tier_volume',
        'total_symbol_volume_all_tiers',
        'tier_volume_share',
        'input_capture_ids',
      ],
      tierShares,
      (r) => [r.weekEnding, r.tier, r.symbol, r.tierVolume, r.totalSymbolVolumeAllTiers, r.tierVolumeShare, inputIds],
    );
    span.addMetrics({ rows_out: volumes.length + shares.length + hhis.length + tierShares.length });
  });
  writeQuality(ctx, partition.key, capture.capture_id, [checkHhiRange(hhis.map((h) => h.hhi))]);
  const meanHhi = hhis.length > 0 ? hhis.reduce((s, h) => s + h.hhi, 0) / hhis.length : 0;
  return {
    state: {
      capture_id: capture.capture_id,
      mean_hhi: Number(meanHhi.toFixed(6)),
      single_venue_symbols: hhis.filter((h) => h.venueCount === 1).length,
    },
    metrics: { symbols: hhis.length, calc_version: 'v1', mean_hhi: meanHhi },
    rowsOut: volumes.length + shares.length + hhis.length + tierShares.length,
    captureId: capture.capture_id,
  };
}
