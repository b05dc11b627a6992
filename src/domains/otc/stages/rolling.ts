import type { StageOutcome } from '../../../contracts/execution.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { windowWeeks } from '../../../core/week-ending.js';
import { computeRolling, ROLLING_WINDOW_WEEKS } from '../calculations/rolling.js';
import type { RollingInput } from '../calculations/rolling.js';
import { OTC_DOMAIN, OTC_TABLES } from '../constants.js';
import type { Tier } from '../tiers.js';
import { replaceCaptureRows } from './chunks.js';
import type { StageMode } from './normalize.js';
import { fromSqlInteger } from '../repository/sql-integer.js';
import { inputCapture, otcCaptures, otcManifest, partitionFrom, skipWhenDone } from './otc-stage-context.js';

const COLUMNS = [
  'week_ending',
  'tier',
  'symbol',
  'avg_volume',
  'avg_trades',
  'min_volume',
  'max_volume',
  'trend_direction',
  'trend_pct',
  'weeks_in_window',
  'is_complete',
  'input_min_capture_id',
  'input_max_capture_id',
];

/**
 * Rolling 6-week statistics for the target week (domain-spec §9.8, §10.4): the latest published capture
 * of every other week in the window ("Policy A"), plus the target week's input capture, whose id the
 * output rows carry. Symbols need at least 2 weeks; completeness is 6 weeks present.
 */
export async function rollingStage(ctx: StageContext, mode: StageMode): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const skip = mode.standalone ? skipWhenDone(ctx, partition, 'ROLLING', 'Rolling') : undefined;
  if (skip) return skip;
  const target = inputCapture(ctx, partition, 'summary data');
  const tier = target.tier as Tier;
  const windowSize = (ctx.params['window_weeks'] as number | undefined) ?? ROLLING_WINDOW_WEEKS;
  const captures = otcCaptures(ctx);
  const byWeek = new Map<string, string>();
  for (const week of windowWeeks(target.week_ending, windowSize)) {
    const c = week === target.week_ending ? target : captures.latestPublished(OTC_DOMAIN, week, tier);
    if (c) byWeek.set(week, c.capture_id);
  }
  const rows = await logStep(ctx.log, 'rolling.compute', (span) => {
    const read = ctx.db
      .prepare(
        `SELECT week_ending, symbol, total_volume, total_trades FROM ${OTC_TABLES.symbolSummary} WHERE capture_id = ?`,
      )
      .safeIntegers(true);
    const input: RollingInput[] = [];
    for (const id of byWeek.values()) {
      for (const r of read.all(id) as {
        week_ending: string;
        symbol: string;
        total_volume: bigint;
        total_trades: bigint;
      }[]) {
        input.push({
          weekEnding: r.week_ending,
          tier,
          symbol: r.symbol,
          totalVolume: fromSqlInteger(r.total_volume),
          totalTrades: fromSqlInteger(r.total_trades),
        });
      }
    }
    const out = computeRolling(input, target.week_ending, { windowWeeks: windowSize });
    span.addMetrics({ rows_in: input.length, rows_out: out.length, weeks_present: byWeek.size });
    return out;
  });
  const ids = [...byWeek.values()].sort();
  await replaceCaptureRows(ctx, target, OTC_TABLES.rolling, COLUMNS, rows, (r) => [
    r.weekEnding,
    r.tier,
    r.symbol,
    r.avgVolume,
    r.avgTrades,
    r.minVolume,
    r.maxVolume,
    r.trendDirection,
    r.trendPct,
    r.weeksInWindow,
    r.isComplete ? 1 : 0,
    ids[0] ?? null,
    ids.at(-1) ?? null,
  ]);
  otcManifest(ctx).advanceTo(partition.key, 'ROLLING', {
    rowCount: rows.length,
    captureId: target.capture_id,
    executionId: ctx.execution.executionId,
    batchId: ctx.execution.batchId,
  });
  return {
    state: { capture_id: target.capture_id, rolling_symbols: rows.length, rolling_weeks_present: byWeek.size },
    metrics: { symbols_computed: rows.length, weeks_present: byWeek.size, capture_id: target.capture_id },
    rowsOut: rows.length,
    captureId: target.capture_id,
  };
}
