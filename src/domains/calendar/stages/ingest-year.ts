import { createHash } from 'node:crypto';
import type { StageOutcome } from '../../../contracts/execution.js';
import { formatCapturedAt, formatUtc } from '../../../core/clock.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { makeCaptureId } from '../../../core/ids.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { parseHolidayFile } from '../calculations/holiday-file.js';
import { readCalendarFile, shippedCalendarPath } from '../calendar-files.js';
import { CALENDAR_DOMAIN } from '../constants.js';
import { insertCalendarCapture, latestCalendarCapture } from '../repository.js';
import { calendarManifest, calendarPartition } from './calendar-stage-context.js';

function optionalInt(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Ingests one exchange-year holiday file as a new calendar capture (domain-spec §9.10). The file is
 * `file_path`, or the shipped `data/calendars/{exchange}_{year}.json`. Every date is validated before
 * anything is written; the capture, its holidays and the manifest's `raw` stage land in one transaction.
 * Without force an ingested (exchange, year) is skipped; with force a new capture sits beside the old
 * one and becomes the latest (the reference overwrote rows in place).
 */
export async function ingestYearStage(ctx: StageContext): Promise<StageOutcome> {
  const paramYear = optionalInt(ctx.params['year']);
  const paramExchange = optionalString(ctx.params['exchange_code']);
  const givenPath = optionalString(ctx.params['file_path']);
  if (givenPath === undefined && (paramYear === undefined || paramExchange === undefined)) {
    throw new SpineError(ErrorCodes.MISSING_REQUIRED, 'Give file_path, or year and exchange_code', {
      nonRetryable: true,
    });
  }
  const path = givenPath ?? shippedCalendarPath(paramExchange as string, paramYear as number);

  const { calendar, contentHash } = await logStep(ctx.log, 'ingest_year.read_file', (span) => {
    const text = readCalendarFile(path, givenPath === undefined);
    const parsed = parseHolidayFile(text, path, { year: paramYear, exchangeCode: paramExchange });
    span.addMetrics({
      file: path,
      year: parsed.year,
      exchange_code: parsed.exchangeCode,
      holidays: parsed.holidays.length,
    });
    return {
      calendar: parsed,
      contentHash: createHash('sha256').update(text).digest('hex').slice(0, 16),
    };
  });

  const partition = calendarPartition(calendar.exchangeCode, calendar.year);
  const manifest = calendarManifest(ctx);
  const base = { exchange_code: calendar.exchangeCode, year: calendar.year };
  const existing = latestCalendarCapture(ctx.db, calendar.exchangeCode, calendar.year);
  if (ctx.params['force'] !== true && existing && manifest.hasStage(partition.key, 'raw')) {
    const reason =
      `Calendar ${calendar.exchangeCode} ${calendar.year} already ingested (capture ${existing.capture_id}); ` +
      'use --force for a new capture';
    ctx.log.info('ingest_year.skipped', { ...base, capture_id: existing.capture_id });
    return {
      skipped: reason,
      stop: true,
      state: { ...base, capture_id: existing.capture_id, skipped: true, reason },
      metrics: { skipped: true, reason },
    };
  }

  const capturedAt = formatCapturedAt(ctx.clock.now());
  const captureId = makeCaptureId(CALENDAR_DOMAIN, calendar.exchangeCode, String(calendar.year), capturedAt);
  const rows = await logStep(ctx.log, 'ingest_year.write_holidays', (span) => {
    const n = ctx.db.transaction(() => {
      const written = insertCalendarCapture(
        ctx.db,
        {
          captureId,
          capturedAt,
          executionId: ctx.execution.executionId,
          batchId: ctx.execution.batchId,
          exchangeCode: calendar.exchangeCode,
          year: calendar.year,
          sourceFile: path,
          contentHash,
          createdAt: formatUtc(ctx.clock.now()),
        },
        calendar.holidays,
      );
      manifest.advanceTo(partition.key, 'raw', {
        rowCount: written,
        captureId,
        executionId: ctx.execution.executionId,
        batchId: ctx.execution.batchId,
        metrics: { rows_affected: written, source_file: path, content_hash: contentHash },
      });
      return written;
    })();
    span.addMetrics({ rows_out: n, capture_id: captureId });
    return n;
  });

  return {
    state: {
      ...base,
      capture_id: captureId,
      captured_at: capturedAt,
      source_file: path,
      holidays: rows,
      ...(existing ? { previous_capture_id: existing.capture_id } : {}),
    },
    metrics: { rows_affected: rows, capture_id: captureId, captured_at: capturedAt },
    rowsOut: rows,
    captureId,
  };
}
