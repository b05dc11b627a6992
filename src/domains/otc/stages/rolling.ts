import type { StageOutcome } from '../../../contracts/execution.js';
import type { Capture } from '../../../core/captures/capture-registry.js';
import { formatUtc } from '../../../core/clock.js';
import type { Db } from '../../../core/db/open-database.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { windowWeeks } from '../../../core/week-ending.js';
import { computeRolling, ROLLING_WINDOW_WEEKS } from '../calculations/rolling.js';
import type { RollingInput, RollingRow } from '../calculations/rolling.js';
import { OTC_DOMAIN, OTC_TABLES } from '../constants.js';
import { recordDerivedInputs } from '../revisions/inputs.js';
import type { DerivedInput } from '../revisions/inputs.js';
import type { Tier } from '../tiers.js';
import { replaceCaptureRows } from './chunks.js';
import type { StageMode } from './normalize.js';
import { fromSqlInteger } from '../repository/sql-integer.js';
import { inputCapture, otcCaptures, otcManifest, partitionFrom, skipWhenDone } from './otc-stage-context.js';

export const ROLLING_COLUMNS = [
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
] as const;

/**
 * The captures a rolling window of `target` reads ("Policy A"): the target itself for its own week, the
 * latest published capture of every other week in the window. Oldest week first.
 */
export function rollingWindowInputs(
  ctx: Pick<StageContext, 'db' | 'clock'>,
  target: Capture,
  windowSize: number,
): DerivedInput[] {
  const captures = otcCaptures(ctx);
  const out: DerivedInput[] = [];
  for (const week of windowWeeks(target.week_ending, windowSize)) {
    const c = week === target.week_ending ? target : captures.latestPublished(OTC_DOMAIN, week, target.tier);
    if (c) out.push({ capture_id: c.capture_id, week_ending: week, tier: target.tier });
  }
  return out;
}

/** Reads the symbol summaries of `inputs` and computes the window of `targetWeek` (calculations/rolling). */
export function computeRollingFrom(
  db: Db,
  inputs: readonly DerivedInput[],
  targetWeek: string,
  windowSize: number,
): { rows: RollingRow[]; rowsIn: number } {
  const read = db
    .prepare(
      `SELECT week_ending, tier, symbol, total_volume, total_trades FROM ${OTC_TABLES.symbolSummary} WHERE capture_id = ?`,
    )
    .safeIntegers(true);
  const input: RollingInput[] = [];
  for (const { capture_id } of inputs) {
    for (const r of read.all(capture_id) as {
      week_ending: string;
      tier: Tier;
      symbol: string;
      total_volume: bigint;
      total_trades: bigint;
    }[]) {
      input.push({
        weekEnding: r.week_ending,
        tier: r.tier,
        symbol: r.symbol,
        totalVolume: fromSqlInteger(r.total_volume),
        totalTrades: fromSqlInteger(r.total_trades),
      });
    }
  }
  return { rows: computeRolling(input, targetWeek, { windowWeeks: windowSize }), rowsIn: input.length };
}

/** A rolling row as the values of ROLLING_COLUMNS; the input capture ids' range goes on every row. */
export function rollingValues(r: RollingRow, inputs: readonly DerivedInput[]): unknown[] {
  const ids = inputs.map((i) => i.capture_id).sort();
  return [
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
  ];
}

/**
 * Rolling 6-week statistics for the target week (domain-spec §9.8, §10.4): the latest published capture
 * of every other week in the window ("Policy A"), plus the target week's input capture, whose id the
 * output rows carry. Symbols need at least 2 weeks; completeness is 6 weeks present. Every capture read is
 * recorded in core_derived_inputs in the transaction that clears the rows (revision-aware recompute).
 */
export async function rollingStage(ctx: StageContext, mode: StageMode): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const skip = mode.standalone ? skipWhenDone(ctx, partition, 'ROLLING', 'Rolling') : undefined;
  if (skip) return skip;
  const target = inputCapture(ctx, partition, 'summary data');
  const windowSize = (ctx.params['window_weeks'] as number | undefined) ?? ROLLING_WINDOW_WEEKS;
  const inputs = rollingWindowInputs(ctx, target, windowSize);
  const rows = await logStep(ctx.log, 'rolling.compute', (span) => {
    const out = computeRollingFrom(ctx.db, inputs, target.week_ending, windowSize);
    span.addMetrics({ rows_in: out.rowsIn, rows_out: out.rows.length, weeks_present: inputs.length });
    return out.rows;
  });
  await replaceCaptureRows(
    ctx,
    target,
    OTC_TABLES.rolling,
    ROLLING_COLUMNS,
    rows,
    (r) => rollingValues(r, inputs),
    () => recordDerivedInputs(ctx.db, target.capture_id, OTC_TABLES.rolling, inputs, formatUtc(ctx.clock.now())),
  );
  otcManifest(ctx).advanceTo(partition.key, 'ROLLING', {
    rowCount: rows.length,
    captureId: target.capture_id,
    executionId: ctx.execution.executionId,
    batchId: ctx.execution.batchId,
  });
  return {
    state: { capture_id: target.capture_id, rolling_symbols: rows.length, rolling_weeks_present: inputs.length },
    metrics: { symbols_computed: rows.length, weeks_present: inputs.length, capture_id: target.capture_id },
    rowsOut: rows.length,
    captureId: target.capture_id,
  };
}
