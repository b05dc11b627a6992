import type { StageOutcome } from '../../../contracts/execution.js';
import { formatUtc } from '../../../core/clock.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { OTC_TABLES } from '../constants.js';
import { clearCapture } from '../repository/derived.js';
import { insertSymbolSummaries } from '../repository/set-based.js';
import type { Tier } from '../tiers.js';
import { inCapture } from './chunks.js';
import type { StageMode } from './normalize.js';
import { inputCapture, lineageOf, otcCaptures, otcManifest, partitionFrom, skipWhenDone } from './otc-stage-context.js';

/**
 * Gold: one symbol_summary row per symbol of the capture (domain-spec §10.1; the definition is
 * `computeSymbolSummaries`), computed by one INSERT … SELECT … GROUP BY symbol inside SQLite.
 */
export async function aggregateStage(ctx: StageContext, mode: StageMode): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const skip = mode.standalone ? skipWhenDone(ctx, partition, 'AGGREGATED', 'Aggregation') : undefined;
  if (skip) return skip;
  const capture = inputCapture(ctx, partition, 'normalized data');
  const tier = capture.tier as Tier;
  const scope = {
    weekEnding: capture.week_ending,
    tier,
    lineage: lineageOf(capture, ctx),
    now: formatUtc(ctx.clock.now()),
  };
  let symbols = 0;
  await logStep(ctx.log, 'aggregate.compute', async (span) => {
    await inCapture(ctx, capture.status === 'staged', () => {
      clearCapture(ctx.db, OTC_TABLES.symbolSummary, capture.capture_id);
      symbols = insertSymbolSummaries(ctx.db, scope);
    });
    span.addMetrics({ rows_out: symbols, table: OTC_TABLES.symbolSummary });
  });
  otcCaptures(ctx).setRowCount(capture.capture_id, OTC_TABLES.symbolSummary, symbols);
  otcManifest(ctx).advanceTo(partition.key, 'AGGREGATED', {
    captureId: capture.capture_id,
    executionId: ctx.execution.executionId,
    batchId: ctx.execution.batchId,
  });
  return {
    state: { week_ending: capture.week_ending, tier, capture_id: capture.capture_id, symbols },
    metrics: { symbols, capture_id: capture.capture_id },
    rowsOut: symbols,
    captureId: capture.capture_id,
  };
}
