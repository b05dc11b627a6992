import type { StageOutcome } from '../../../contracts/execution.js';
import { formatCapturedAt } from '../../../core/clock.js';
import { SourceError } from '../../../core/errors.js';
import { makeCaptureId } from '../../../core/ids.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { OTC_DOMAIN, OTC_TABLES } from '../constants.js';
import { otcCaptures, otcManifest, otcPartition } from './otc-stage-context.js';
import { RawCaptureLoader } from './raw-capture-loader.js';
import { openIngestSource } from './resolve-source.js';
import type { ParsedBatch } from '../types.js';

/**
 * Rows per progress step and per transaction: each step is written in one transaction and ends with a log
 * line, a progress event and (on Temporal) a heartbeat.
 */
const ROWS_PER_STEP = 50_000;

export interface IngestOptions {
  /** `ingest_week` publishes its capture at once; the week pipeline publishes after its quality gate. */
  readonly publish: boolean;
}

function skip(reason: string, state: Record<string, string>): StageOutcome {
  return { skipped: reason, stop: true, state, metrics: { skipped: true, reason } };
}

/**
 * Bronze: streams the file into a staged capture in bounded transactions, so memory stays flat, the
 * event loop is never blocked for long, and nothing is visible until the capture is published.
 * Row problems become core_rejects rows naming file, line and rule; a file with no usable rows fails.
 */
export async function ingestStage(ctx: StageContext, options: IngestOptions): Promise<StageOutcome> {
  const source = await logStep(ctx.log, 'ingest.resolve_source', async (span) => {
    const s = await openIngestSource(ctx.params, ctx.clock.now());
    span.addMetrics({
      source: s.name,
      week_ending: s.weekEnding,
      tier: s.tier,
      week_source: s.weekSource,
      tier_source: s.tierSource,
    });
    return s;
  });
  const sourceName = source.name;
  const partition = otcPartition(source.weekEnding, source.tier);
  const state = { week_ending: source.weekEnding, tier: source.tier };
  const force = ctx.params['force'] === true || ctx.params['replace_capture'] === true;
  const captures = otcCaptures(ctx);
  const manifest = otcManifest(ctx);
  if (!force) {
    const existing = captures.latestPublished(OTC_DOMAIN, source.weekEnding, source.tier);
    if (options.publish ? manifest.isAtLeast(partition.key, 'INGESTED') : existing) {
      ctx.log.info('ingest.skipped', {
        week_ending: source.weekEnding,
        tier: source.tier,
        capture_id: existing?.capture_id,
      });
      return skip(
        `Already ingested: week ${source.weekEnding} tier ${source.tier}${existing ? ` (capture ${existing.capture_id})` : ''}; use --force for a new capture or --replace-capture to replace it`,
        { ...state, ...(existing ? { capture_id: existing.capture_id } : {}) },
      );
    }
  }

  // A crashed earlier attempt of this execution may have left a staged capture: start clean.
  const discarded = captures.discardStagedOf(ctx.execution.executionId);
  if (discarded.length > 0) ctx.log.warn('ingest.discarded_staged', { captures: discarded });

  const capturedAt = formatCapturedAt(ctx.clock.now());
  const captureId = makeCaptureId(OTC_DOMAIN, source.tier, source.weekEnding, capturedAt);
  captures.createStaged({
    captureId,
    domain: OTC_DOMAIN,
    weekEnding: source.weekEnding,
    tier: source.tier,
    capturedAt,
    sourceLastUpdateDate: source.sourceLastUpdateDate,
    source: sourceName,
    executionId: ctx.execution.executionId,
    batchId: ctx.execution.batchId,
  });
  const loader = new RawCaptureLoader(
    ctx.db,
    {
      weekEnding: source.weekEnding,
      tier: source.tier,
      sourceFile: sourceName,
      capturedAt,
      captureId,
      executionId: ctx.execution.executionId,
      batchId: ctx.execution.batchId,
    },
    { partitionKey: partition.key, captureId, executionId: ctx.execution.executionId, batchId: ctx.execution.batchId },
    () => ctx.clock.now(),
    source.sourceLastUpdateDate,
    ctx.checkFence,
  );
  try {
    const batches = source.batches()[Symbol.asyncIterator]();
    let done = false;
    while (!done) {
      await logStep(ctx.log, 'ingest.bulk_insert', async (span) => {
        // One step's rows are read first and then written in one transaction (the capture is staged, so
        // the size is free to choose: fewer, larger commits are cheaper), then the event loop gets a turn.
        const pending: ParsedBatch[] = [];
        let rows = 0;
        while (rows < ROWS_PER_STEP) {
          const next = await batches.next();
          if (next.done) {
            done = true;
            break;
          }
          pending.push(next.value);
          rows += next.value.records.length + next.value.rejects.length;
        }
        if (pending.length > 0) loader.load(pending);
        await ctx.yieldControl();
        span.addMetrics({
          rows_in: loader.rowsIn,
          rows_out: loader.inserted,
          rows_rejected: loader.rejected,
          line: loader.lastLine,
          table: OTC_TABLES.raw,
        });
      });
    }
  } catch (err) {
    // The staged capture stays invisible; marking it failed says why (gc removes it, a retry replaces it).
    captures.markFailed(captureId, `ingest failed at line ${loader.lastLine}: ${(err as Error).message}`);
    throw err;
  }
  const contentHash = loader.finish();
  const { rowsIn, inserted, rejected, duplicates } = loader;

  if (inserted === 0) {
    captures.markFailed(captureId, 'no valid rows');
    throw new SourceError(
      sourceName,
      0,
      rowsIn === 0 ? 'NO_DATA_ROWS' : 'NO_VALID_ROWS',
      rowsIn === 0
        ? source.kind === 'file'
          ? 'the file has no data rows (it is empty or has only a header)'
          : 'the API returned no rows'
        : `all ${rowsIn} data rows were rejected (see \`spine query rejects --as-of ${captureId}\`)`,
      { capture_id: captureId },
    );
  }

  captures.setRowCount(captureId, OTC_TABLES.raw, inserted);
  captures.setContentHash(captureId, contentHash);
  captures.setSourceLastUpdateDate(captureId, loader.latestUpdate);
  const metrics = {
    records: rowsIn,
    inserted,
    rejected,
    duplicates_dropped: duplicates,
    capture_id: captureId,
    captured_at: capturedAt,
  };
  if (options.publish) {
    const { published, winner } = captures.publish(captureId, {
      qualityStatus: 'UNCHECKED',
      replace: ctx.params['replace_capture'] === true,
      fence: ctx.checkFence,
      onlyIfFirst: !force,
    });
    if (!published) {
      return skip(
        `Another run ingested week ${source.weekEnding} tier ${source.tier} first (capture ${winner}); use --force for a new capture`,
        { ...state, capture_id: winner ?? '' },
      );
    }
  }
  manifest.advanceTo(partition.key, 'INGESTED', {
    rowCount: inserted,
    captureId,
    executionId: ctx.execution.executionId,
    batchId: ctx.execution.batchId,
  });
  ctx.log.info('ingest.completed', { ...metrics, week_ending: source.weekEnding, tier: source.tier });
  return {
    state: {
      ...state,
      capture_id: captureId,
      captured_at: capturedAt,
      source_file: sourceName,
      week_source: source.weekSource,
      rows_in: rowsIn,
      raw_rows: inserted,
      ingest_rejects: rejected,
      duplicates_dropped: duplicates,
    },
    metrics,
    rowsIn,
    rowsOut: inserted,
    captureId,
  };
}
