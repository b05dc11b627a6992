import type { StageOutcome } from '../../../contracts/execution.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { previousWeek } from '../../../core/week-ending.js';
import {
  checkRawReconciles,
  checkVenueDrop,
  checkVenueShareSum,
  checkWeekOverWeekVolumeSwing,
} from '../calculations/quality.js';
import { OTC_DOMAIN, OTC_TABLES } from '../constants.js';
import { countCapture } from '../repository/derived.js';
import { writeQuality } from '../repository/quality.js';
import { inputCapture, otcCaptures, otcManifest, partitionFrom } from './otc-stage-context.js';

interface Totals {
  volume: number;
  venues: number;
}

function totals(ctx: StageContext, captureId: string): Totals {
  return ctx.db
    .prepare(
      `SELECT COALESCE(SUM(total_volume), 0) AS volume, COUNT(*) AS venues FROM ${OTC_TABLES.venueShare} WHERE capture_id = ?`,
    )
    .get(captureId) as Totals;
}

/** `expect_latest_capture` as the registry's compare-and-publish guard ('none': no capture yet). */
function expectLatestOf(ctx: StageContext): { expectLatest?: string | null } {
  const v = ctx.params['expect_latest_capture'];
  return typeof v === 'string' ? { expectLatest: v === 'none' ? null : v } : {};
}

/**
 * The quality gate, then publication. Checks go to core_quality; any FAIL keeps the capture unpublished
 * (status failed, with the reason) and fails the run. Otherwise the capture is published in one
 * transaction — with --replace-capture the previous latest capture's rows go in that same transaction.
 */
export async function qualityGateAndPublishStage(ctx: StageContext): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const capture = inputCapture(ctx, partition, 'staged capture');
  const captures = otcCaptures(ctx);
  const results = await logStep(ctx.log, 'quality.checks', (span) => {
    const shares = (
      ctx.db
        .prepare(`SELECT market_share_pct AS s FROM ${OTC_TABLES.venueShare} WHERE capture_id = ?`)
        .all(capture.capture_id) as { s: number }[]
    ).map((r) => r.s);
    const raw = countCapture(ctx.db, OTC_TABLES.raw, capture.capture_id);
    const accepted = countCapture(ctx.db, OTC_TABLES.venueVolume, capture.capture_id);
    const normalizeRejects = (
      ctx.db
        .prepare(`SELECT COUNT(*) AS n FROM core_rejects WHERE capture_id = ? AND stage = 'NORMALIZE'`)
        .get(capture.capture_id) as { n: number }
    ).n;
    const prior = captures.latestPublished(OTC_DOMAIN, previousWeek(capture.week_ending), capture.tier);
    const now = totals(ctx, capture.capture_id);
    const before = prior ? totals(ctx, prior.capture_id) : null;
    const out = [
      checkVenueShareSum(shares),
      checkRawReconciles(raw, accepted, normalizeRejects),
      checkWeekOverWeekVolumeSwing(now.volume, before?.volume ?? null),
      checkVenueDrop(now.venues, before?.venues ?? null),
    ];
    span.addMetrics({ checks: out.length, failed: out.filter((r) => r.status === 'FAIL').length });
    return out;
  });
  writeQuality(ctx, partition.key, capture.capture_id, results);
  const all = ctx.db
    .prepare(`SELECT check_name, status, message FROM core_quality WHERE capture_id = ? ORDER BY id`)
    .all(capture.capture_id) as { check_name: string; status: string; message: string }[];
  const failed = all.filter((r) => r.status === 'FAIL');
  const warned = all.filter((r) => r.status === 'WARN');
  const qualityStatus = failed.length > 0 ? 'FAIL' : warned.length > 0 ? 'WARN' : 'PASS';
  if (failed.length > 0) {
    const why = failed.map((f) => `${f.check_name}: ${f.message}`).join('; ');
    captures.markFailed(capture.capture_id, `quality gate: ${why}`, qualityStatus);
    throw new SpineError(
      ErrorCodes.QUALITY_GATE_FAILED,
      `Capture ${capture.capture_id} not published; quality checks failed: ${why}`,
      {
        nonRetryable: true,
        details: { capture_id: capture.capture_id, failed },
      },
    );
  }
  const { published, replaced, winner } = captures.publish(capture.capture_id, {
    qualityStatus,
    replace: ctx.params['replace_capture'] === true,
    fence: ctx.checkFence,
    onlyIfFirst: ctx.params['force'] !== true,
    ...expectLatestOf(ctx),
  });
  if (!published) {
    const reason = `Another run published week ${capture.week_ending} tier ${capture.tier} first (capture ${winner}); this capture was discarded. Use --force for a new capture beside it`;
    ctx.log.warn('capture.lost_race', { capture_id: capture.capture_id, winner });
    return {
      skipped: reason,
      stop: true,
      state: { capture_id: winner, published: false, skipped_reason: reason },
      metrics: { skipped: true, reason },
    };
  }
  otcManifest(ctx).advanceTo(partition.key, 'SNAPSHOT', {
    captureId: capture.capture_id,
    executionId: ctx.execution.executionId,
    batchId: ctx.execution.batchId,
  });
  ctx.log.info('capture.published', { capture_id: capture.capture_id, quality: qualityStatus, replaced });
  return {
    state: {
      capture_id: capture.capture_id,
      published: true,
      quality: qualityStatus,
      warnings: warned.map((w) => `${w.check_name}: ${w.message}`),
      replaced_capture: replaced,
      quality_checks: all,
    },
    metrics: { quality: qualityStatus, replaced },
    captureId: capture.capture_id,
  };
}
