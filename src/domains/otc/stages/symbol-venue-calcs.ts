import type { StageOutcome } from '../../../contracts/execution.js';
import type { Capture } from '../../../core/captures/capture-registry.js';
import { formatUtc } from '../../../core/clock.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { hhiRangeResult } from '../calculations/quality.js';
import { OTC_DOMAIN, OTC_TABLES } from '../constants.js';
import { clearCapture } from '../repository/derived.js';
import { writeQuality } from '../repository/quality.js';
import { hhiStats, insertSymbolHhi, insertSymbolVenueShares, insertTierVolumeShares } from '../repository/set-based.js';
import type { CaptureScope } from '../repository/set-based.js';
import { recordDerivedInputs } from '../revisions/inputs.js';
import type { DerivedInput } from '../revisions/inputs.js';
import { TIERS } from '../tiers.js';
import type { Tier } from '../tiers.js';
import { inCapture } from './chunks.js';
import { inputCapture, lineageOf, otcCaptures, partitionFrom } from './otc-stage-context.js';

const T = OTC_TABLES;
const WRITTEN = [T.symbolVenueShare, T.hhi, T.tierVolumeShare] as const;

/** The captures tier_volume_share reads besides its own: every other tier's latest published capture of the week. */
export function crossTierInputs(ctx: Pick<StageContext, 'db' | 'clock'>, capture: Capture): DerivedInput[] {
  const captures = otcCaptures(ctx);
  const out: DerivedInput[] = [];
  for (const other of TIERS) {
    if (other === capture.tier) continue;
    const c = captures.latestPublished(OTC_DOMAIN, capture.week_ending, other);
    if (c) out.push({ capture_id: c.capture_id, week_ending: capture.week_ending, tier: other });
  }
  return out;
}

/**
 * Per-symbol venue analytics (domain-spec §10.3; the definitions are `weeklySymbolVenueShare`,
 * `weeklySymbolVenueHhi` and `weeklySymbolTierVolumeShare`), each one INSERT … SELECT inside SQLite:
 * venue share with a window SUM over the symbol, HHI grouped from the share rows, tier share from the
 * HHI rows' symbol totals plus every other tier's latest published capture of the week (fixing the
 * reference, where one capture per tier made every share 1.0); those captures are recorded in
 * core_derived_inputs in the same transaction. weekly_symbol_venue_volume is a view over
 * venue_volume (migration 060), so nothing is written for it. calc_name/calc_version come from the
 * tables' defaults.
 */
export async function symbolVenueCalcsStage(ctx: StageContext): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const capture = inputCapture(ctx, partition, 'normalized data');
  const tier = capture.tier as Tier;
  const captures = otcCaptures(ctx);
  const others = crossTierInputs(ctx, capture);
  const otherIds = others.map((o) => o.capture_id);
  const inputs = [capture.capture_id, ...otherIds].join(',');
  const scope: CaptureScope = {
    weekEnding: capture.week_ending,
    tier,
    lineage: lineageOf(capture, ctx),
    now: formatUtc(ctx.clock.now()),
  };
  const written = { share: 0, hhi: 0, tier: 0 };

  function* work(): Generator<void> {
    for (const table of WRITTEN) clearCapture(ctx.db, table, capture.capture_id);
    written.share = insertSymbolVenueShares(ctx.db, scope);
    yield;
    written.hhi = insertSymbolHhi(ctx.db, scope);
    written.tier = insertTierVolumeShares(ctx.db, scope, otherIds, inputs);
    recordDerivedInputs(ctx.db, capture.capture_id, T.tierVolumeShare, others, scope.now);
  }
  await logStep(ctx.log, 'calcs.compute_write', async (span) => {
    await inCapture(ctx, capture.status === 'staged', work);
    span.addMetrics({ rows_in: written.share, rows_out: written.share + written.hhi + written.tier });
  });
  captures.setRowCount(capture.capture_id, T.symbolVenueShare, written.share);
  captures.setRowCount(capture.capture_id, T.hhi, written.hhi);
  captures.setRowCount(capture.capture_id, T.tierVolumeShare, written.tier);
  const stats = hhiStats(ctx.db, capture.capture_id);
  writeQuality(ctx, partition.key, capture.capture_id, [hhiRangeResult(stats)]);
  return {
    state: {
      capture_id: capture.capture_id,
      mean_hhi: Number(stats.mean.toFixed(6)),
      single_venue_symbols: stats.singleVenue,
    },
    metrics: { symbols: stats.count, calc_version: 'v1', mean_hhi: stats.mean },
    rowsIn: written.share,
    rowsOut: written.share + written.hhi + written.tier,
    captureId: capture.capture_id,
  };
}
