import type { StageOutcome } from '../../../contracts/execution.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { computeSymbolSummaries } from '../calculations/symbol-summary.js';
import { OTC_TABLES } from '../constants.js';
import { tap, venueRows } from '../repository/venue-rows.js';
import type { Tier } from '../tiers.js';
import { replaceCaptureRows } from './chunks.js';
import type { StageMode } from './normalize.js';
import { inputCapture, otcManifest, partitionFrom, skipWhenDone } from './otc-stage-context.js';

const COLUMNS = [
  'week_ending',
  'tier',
  'symbol',
  'issue_name',
  'total_volume',
  'total_trades',
  'venue_count',
  'avg_trade_size',
];

/** Gold: one symbol_summary row per symbol of the capture (domain-spec §10.1). */
export async function aggregateStage(ctx: StageContext, mode: StageMode): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const skip = mode.standalone ? skipWhenDone(ctx, partition, 'AGGREGATED', 'Aggregation') : undefined;
  if (skip) return skip;
  const capture = inputCapture(ctx, partition, 'normalized data');
  const tier = capture.tier as Tier;
  const issueNames = new Map<string, string>();
  const summaries = await logStep(ctx.log, 'aggregate.compute', (span) => {
    let rowsIn = 0;
    // Streamed, never materialised: memory holds one page of venue rows plus one entry per symbol.
    const out = computeSymbolSummaries(
      tap(venueRows(ctx.db, capture.capture_id, capture.week_ending, tier), (r) => {
        rowsIn++;
        if (r.issueName && !issueNames.has(r.symbol)) issueNames.set(r.symbol, r.issueName);
      }),
    );
    span.addMetrics({ rows_in: rowsIn, rows_out: out.length });
    return out;
  });
  await replaceCaptureRows(ctx, capture, OTC_TABLES.symbolSummary, COLUMNS, summaries, (s) => [
    s.weekEnding,
    s.tier,
    s.symbol,
    issueNames.get(s.symbol) ?? null,
    s.totalVolume,
    s.totalTrades,
    s.venueCount,
    s.avgTradeSize,
  ]);
  otcManifest(ctx).advanceTo(partition.key, 'AGGREGATED', {
    captureId: capture.capture_id,
    executionId: ctx.execution.executionId,
    batchId: ctx.execution.batchId,
  });
  return {
    state: { week_ending: capture.week_ending, tier, capture_id: capture.capture_id, symbols: summaries.length },
    metrics: { symbols: summaries.length, capture_id: capture.capture_id },
    rowsOut: summaries.length,
    captureId: capture.capture_id,
  };
}
