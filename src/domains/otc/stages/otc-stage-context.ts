import { CaptureRegistry } from '../../../core/captures/capture-registry.js';
import type { Capture } from '../../../core/captures/capture-registry.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { partitionKey, WorkManifest } from '../../../core/manifest/work-manifest.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import type { StageOutcome } from '../../../contracts/execution.js';
import { OTC_CAPTURE_TABLES, OTC_DOMAIN, OTC_MANIFEST_STAGES } from '../constants.js';
import type { OtcManifestStage } from '../constants.js';

export interface OtcPartition {
  readonly weekEnding: string;
  readonly tier: string;
  readonly key: string;
}

export function otcPartition(weekEnding: string, tier: string): OtcPartition {
  return { weekEnding, tier, key: partitionKey({ tier, week_ending: weekEnding }) };
}

export function otcCaptures(ctx: Pick<StageContext, 'db' | 'clock'>): CaptureRegistry {
  return new CaptureRegistry(ctx.db, new Map([[OTC_DOMAIN, OTC_CAPTURE_TABLES]]), ctx.clock);
}

export function otcManifest(ctx: Pick<StageContext, 'db' | 'clock'>): WorkManifest {
  return new WorkManifest(ctx.db, OTC_DOMAIN, OTC_MANIFEST_STAGES, ctx.clock);
}

/** The partition a stage works on: from earlier stages' state (the week pipeline) or from params. */
export function partitionFrom(ctx: StageContext): OtcPartition {
  const week = (ctx.state['week_ending'] ?? ctx.params['week_ending']) as string | undefined;
  const tier = (ctx.state['tier'] ?? ctx.params['tier']) as string | undefined;
  if (!week || !tier) {
    throw new SpineError(ErrorCodes.MISSING_REQUIRED, 'week_ending and tier are required', { nonRetryable: true });
  }
  return otcPartition(week, tier);
}

/**
 * The capture a downstream stage reads: the one earlier stages produced (state), the `capture_id`
 * param, or the partition's latest published capture.
 */
export function inputCapture(ctx: StageContext, partition: OtcPartition, what: string): Capture {
  const captures = otcCaptures(ctx);
  const id = (ctx.state['capture_id'] ?? ctx.params['capture_id']) as string | undefined;
  const capture = id ? captures.get(id) : captures.latestPublished(OTC_DOMAIN, partition.weekEnding, partition.tier);
  if (!capture) {
    throw new SpineError(
      ErrorCodes.NOT_FOUND,
      id
        ? `Capture ${id} not found`
        : `No ${what} found for week ${partition.weekEnding} tier ${partition.tier}; run finra.otc_transparency.ingest_week first`,
      { nonRetryable: true, details: { week_ending: partition.weekEnding, tier: partition.tier } },
    );
  }
  return capture;
}

/** Lineage columns every derived row copies from its input capture. */
export interface Lineage {
  readonly captureId: string;
  readonly capturedAt: string;
  readonly sourceLastUpdateDate: string | null;
  readonly executionId: string;
  readonly batchId: string;
}

export function lineageOf(capture: Capture, ctx: StageContext): Lineage {
  return {
    captureId: capture.capture_id,
    capturedAt: capture.captured_at,
    sourceLastUpdateDate: capture.source_last_update_date,
    executionId: ctx.execution.executionId,
    batchId: ctx.execution.batchId,
  };
}

/**
 * The manifest skip of the standalone pipelines (domain-spec §9): a stage already recorded for the
 * partition is skipped unless `force`. The week pipeline never asks (it skips as a whole at ingest).
 */
export function skipWhenDone(
  ctx: StageContext,
  partition: OtcPartition,
  stage: OtcManifestStage,
  what: string,
): StageOutcome | undefined {
  if (ctx.params['force'] === true || !otcManifest(ctx).isAtLeast(partition.key, stage)) return undefined;
  const reason = `${what} already done: week ${partition.weekEnding} tier ${partition.tier}; use --force to recompute`;
  return {
    skipped: reason,
    state: { week_ending: partition.weekEnding, tier: partition.tier },
    metrics: { skipped: true, reason },
  };
}
