import type { JsonObject, StageOutcome } from '../../../contracts/execution.js';
import { formatUtc } from '../../../core/clock.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { monthlyTradingDays } from '../calculations/trading-days.js';
import { parseCaptureIdList, resolveCalendars } from '../calendar-lookup.js';
import { TRADING_DAYS_CALC } from '../constants.js';
import { replaceTradingDays } from '../repository.js';
import { calendarManifest, calendarPartition } from './calendar-stage-context.js';

/**
 * Per-month trading days, calendar days, weekend days and holidays of one (exchange, year), from the
 * latest calendar capture or `calendar_capture_id` (domain-spec §9.10; the reference's version could never
 * run, §2 #9). Rows carry the calendar capture's lineage and are replaced per capture, so a recompute is
 * idempotent. Skipped when the manifest says this very capture was computed, unless force; a newer
 * calendar capture is therefore always computed.
 */
export async function computeTradingDaysStage(ctx: StageContext): Promise<StageOutcome> {
  const year = Number(ctx.params['year']);
  const exchangeCode = String(ctx.params['exchange_code']);
  const partition = calendarPartition(exchangeCode, year);
  const calendars = resolveCalendars(
    ctx.db,
    exchangeCode,
    [year],
    parseCaptureIdList(ctx.params['calendar_capture_id']),
    `the ${year} trading days`,
  );
  const capture = calendars.captures.get(year);
  if (!capture) throw new Error(`unreachable: calendar ${exchangeCode} ${year} resolved without a capture`);
  const base = { exchange_code: exchangeCode, year, capture_id: capture.capture_id };

  const manifest = calendarManifest(ctx);
  const done = manifest.get(partition.key).find((e) => e.stage === 'computed');
  if (ctx.params['force'] !== true && done?.captureId === capture.capture_id) {
    const reason =
      `Trading days for ${exchangeCode} ${year} already computed from capture ${capture.capture_id}; ` +
      'use --force to recompute';
    return {
      skipped: reason,
      stop: true,
      state: { ...base, skipped: true, reason },
      metrics: { skipped: true, reason },
    };
  }

  const months = await logStep(ctx.log, 'compute_trading_days.compute', (span) => {
    const rows = monthlyTradingDays(year, calendars.holidays);
    span.addMetrics({ holidays: calendars.holidays.size, rows_out: rows.length });
    return rows;
  });
  const totals = months.reduce(
    (t, m) => ({
      trading_days: t.trading_days + m.tradingDays,
      calendar_days: t.calendar_days + m.calendarDays,
      weekend_days: t.weekend_days + m.weekendDays,
      holidays: t.holidays + m.holidays,
    }),
    { trading_days: 0, calendar_days: 0, weekend_days: 0, holidays: 0 },
  );
  await logStep(ctx.log, 'compute_trading_days.write', (span) => {
    ctx.db.transaction(() => {
      replaceTradingDays(
        ctx.db,
        exchangeCode,
        months,
        TRADING_DAYS_CALC,
        {
          captureId: capture.capture_id,
          capturedAt: capture.captured_at,
          executionId: ctx.execution.executionId,
          batchId: ctx.execution.batchId,
        },
        formatUtc(ctx.clock.now()),
      );
      manifest.advanceTo(partition.key, 'computed', {
        rowCount: months.length,
        captureId: capture.capture_id,
        executionId: ctx.execution.executionId,
        batchId: ctx.execution.batchId,
        metrics: totals,
      });
    })();
    span.addMetrics({ rows_out: months.length, capture_id: capture.capture_id });
  });

  const perMonth: JsonObject[] = months.map((m) => ({
    month: m.month,
    trading_days: m.tradingDays,
    calendar_days: m.calendarDays,
    holidays: m.holidays,
  }));
  return {
    state: {
      ...base,
      ...totals,
      calc_name: TRADING_DAYS_CALC.name,
      calc_version: TRADING_DAYS_CALC.version,
      months: perMonth,
    },
    metrics: { rows_affected: months.length, ...totals, capture_id: capture.capture_id },
    rowsOut: months.length,
    captureId: capture.capture_id,
  };
}
