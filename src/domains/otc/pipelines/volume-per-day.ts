/**
 * `finra.otc_transparency.compute_volume_per_day` (domain-spec §10.6): a week's published OTC totals per
 * trading day of an exchange calendar. Cross-domain: the calendar years the Mon–Fri week touches must
 * have been ingested (`reference.exchange_calendar.ingest_year`), else the run fails saying which command
 * to run. Returns metrics only and writes no table, so it always recomputes (`force` is accepted and has
 * nothing to redo).
 */
import type { JsonObject, JsonValue, StageOutcome } from '../../../contracts/execution.js';
import { BadParamsError, ErrorCodes, SpineError } from '../../../core/errors.js';
import { logStep } from '../../../core/logging/span.js';
import type { Params } from '../../../core/pipeline/params.js';
import type { PipelineDefinition, StageContext } from '../../../core/pipeline/types.js';
import { assertFriday } from '../../../core/week-ending.js';
import { CalendarParams, parseCaptureIdList, resolveCalendars } from '../../calendar/index.js';
import { computeVolumePerTradingDay, tradingWeek } from '../calculations/volume-per-day.js';
import { OTC_DOMAIN, OTC_TABLES } from '../constants.js';
import type { Count } from '../types.js';
import { fromSqlInteger } from '../repository/sql-integer.js';
import { P } from './params.js';

export const VOLUME_PER_DAY_PIPELINE = `${OTC_DOMAIN}.compute_volume_per_day`;

interface WeekTotalsRow {
  readonly capture_id: string;
  readonly captured_at: string;
  readonly symbols: number;
  readonly total_shares: Count;
  readonly total_trades: Count;
}

/** JSON has no bigint: exact counts above 2^53 travel as decimal text. */
function jsonCount(v: Count): JsonValue {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** The week's latest published capture (core_captures_latest) and its symbol-summary totals. */
function readWeekTotals(ctx: StageContext, weekEnding: string, tier: string): WeekTotalsRow {
  const capture = ctx.db
    .prepare(
      `SELECT capture_id, captured_at FROM core_captures_latest WHERE domain = ? AND week_ending = ? AND tier = ?
       ORDER BY captured_at DESC LIMIT 1`,
    )
    .get(OTC_DOMAIN, weekEnding, tier) as { capture_id: string; captured_at: string } | undefined;
  if (!capture) {
    throw new SpineError(
      ErrorCodes.NOT_FOUND,
      `No published OTC capture for week ${weekEnding} tier ${tier}. ` +
        `Run: spine run ${OTC_DOMAIN}.week --file <FINRA weekly file> --week ${weekEnding} --tier ${tier}`,
      { details: { week_ending: weekEnding, tier }, nonRetryable: true },
    );
  }
  const sums = ctx.db
    .prepare(
      `SELECT COUNT(*) AS symbols, COALESCE(SUM(total_volume), 0) AS shares, COALESCE(SUM(total_trades), 0) AS trades
       FROM ${OTC_TABLES.symbolSummary} WHERE capture_id = ?`,
    )
    .safeIntegers(true)
    .get(capture.capture_id) as { symbols: bigint; shares: bigint; trades: bigint };
  const symbols = Number(sums.symbols);
  if (symbols === 0) {
    throw new SpineError(
      ErrorCodes.NOT_FOUND,
      `Capture ${capture.capture_id} (week ${weekEnding} tier ${tier}) has no symbol summary. ` +
        `Run: spine run ${OTC_DOMAIN}.aggregate_week week_ending=${weekEnding} tier=${tier}`,
      { details: { week_ending: weekEnding, tier, capture_id: capture.capture_id }, nonRetryable: true },
    );
  }
  return {
    ...capture,
    symbols,
    total_shares: fromSqlInteger(sums.shares),
    total_trades: fromSqlInteger(sums.trades),
  };
}

export async function volumePerDayStage(ctx: StageContext): Promise<StageOutcome> {
  const week = tradingWeek(String(ctx.params['week_ending']));
  const tier = String(ctx.params['tier']);
  const exchangeCode = String(ctx.params['exchange_code'] ?? 'XNYS');

  const calendars = await logStep(ctx.log, 'volume_per_day.resolve_calendars', (span) => {
    const c = resolveCalendars(
      ctx.db,
      exchangeCode,
      week.years,
      parseCaptureIdList(ctx.params['calendar_capture_id']),
      `week ${week.weekEnding} (${week.start}..${week.end})`,
    );
    span.addMetrics({ exchange_code: exchangeCode, calendar_years: [...c.years], holidays: c.holidays.size });
    return c;
  });
  const totals = await logStep(ctx.log, 'volume_per_day.read_totals', (span) => {
    const t = readWeekTotals(ctx, week.weekEnding, tier);
    span.addMetrics({ capture_id: t.capture_id, symbols: t.symbols });
    return t;
  });
  const result = computeVolumePerTradingDay(
    week,
    { totalShares: totals.total_shares, totalTrades: totals.total_trades },
    calendars.holidays,
  );

  const captureIds = calendars.years.map((y) => calendars.captures.get(y)?.capture_id ?? '');
  const byYear: JsonObject = {};
  for (const [i, y] of calendars.years.entries()) byYear[String(y)] = captureIds[i] ?? null;
  const out: JsonObject = {
    week_ending: result.weekEnding,
    week_start: result.weekStart,
    tier,
    exchange_code: exchangeCode,
    otc_capture_id: totals.capture_id,
    otc_captured_at: totals.captured_at,
    symbols: totals.symbols,
    total_shares: jsonCount(result.totalShares),
    total_trades: jsonCount(result.totalTrades),
    weekdays: result.weekdays,
    trading_days: result.tradingDays,
    holidays: [...result.holidays],
    volume_per_day: result.volumePerDay,
    trades_per_day: result.tradesPerDay,
    calc_name: result.calcName,
    calc_version: result.calcVersion,
    calendar_years_used: [...result.calendarYears],
    // Comma-separated in year order: the same form `calendar_capture_id` accepts, so a result can be reproduced.
    calendar_capture_id_used: captureIds.join(','),
    calendar_captures_used: byYear,
  };
  ctx.log.info('volume_per_day.result', {
    week_ending: out['week_ending'],
    tier,
    exchange_code: exchangeCode,
    trading_days: result.tradingDays,
    volume_per_day: result.volumePerDay,
    trades_per_day: result.tradesPerDay,
    calendar_capture_id_used: out['calendar_capture_id_used'],
  });
  return { state: out, metrics: out, rowsIn: totals.symbols, rowsOut: 0 };
}

function validateWeek(params: Params): void {
  try {
    assertFriday(String(params['week_ending']));
  } catch (err) {
    throw new BadParamsError([], { week_ending: (err as Error).message });
  }
}

export const volumePerDayPipeline: PipelineDefinition = {
  name: VOLUME_PER_DAY_PIPELINE,
  description:
    "A week's published OTC volume and trades per exchange trading day (holidays from the exchange calendar)",
  domain: OTC_DOMAIN,
  params: [
    P.weekRequired,
    P.tierRequired,
    CalendarParams.exchangeDefaultXnys,
    CalendarParams.calendarCaptureId,
    {
      name: 'force',
      type: 'bool',
      default: false,
      description: 'Accepted for symmetry; nothing is stored, so every run recomputes',
    },
  ],
  validate: validateWeek,
  logicalKey: (p) =>
    `volume_per_day:${String(p['exchange_code'] ?? 'XNYS')}:${String(p['tier'])}:${String(p['week_ending'])}`,
  examples: [
    'spine run reference.exchange_calendar.ingest_year year=2025 exchange_code=XNYS   # the calendar it needs, once',
    'spine run finra.otc_transparency.compute_volume_per_day --week 2025-12-12 --tier OTC',
    'spine run reference.exchange_calendar.ingest_year year=2025 exchange_code=XNAS',
    'spine run finra.otc_transparency.compute_volume_per_day week_ending=2025-12-19 tier=OTC exchange_code=XNAS',
  ],
  stages: [
    {
      name: 'compute',
      description: 'Latest published week totals / exchange trading days of the week',
      run: volumePerDayStage,
    },
  ],
};
