import type { StageOutcome } from '../../../contracts/execution.js';
import { formatUtc } from '../../../core/clock.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { venueAvgTradeSize, validateRecord } from '../calculations/normalize.js';
import { OTC_TABLES } from '../constants.js';
import { RejectCodes } from '../reject-codes.js';
import { clearCapture, LineageInsert } from '../repository/derived.js';
import { iterateRaw } from '../repository/raw.js';
import type { RawRow } from '../repository/raw.js';
import { writeRejects } from '../repository/rejects.js';
import type { RejectRow } from '../repository/rejects.js';
import type { Tier } from '../tiers.js';
import { ROWS_PER_CHUNK, streamIntoCapture } from './chunks.js';
import { inputCapture, lineageOf, otcCaptures, otcManifest, partitionFrom, skipWhenDone } from './otc-stage-context.js';

const COLUMNS = [
  'week_ending',
  'tier',
  'symbol',
  'mpid',
  'issue_name',
  'venue_name',
  'total_shares',
  'total_trades',
  'avg_trade_size',
  'record_hash',
];

export interface StageMode {
  /** Standalone pipelines honour the manifest (skip unless force); the week pipeline runs every stage. */
  readonly standalone: boolean;
}

function reject(r: RawRow, reasonCode: string, detail: string): RejectRow {
  return {
    stage: 'NORMALIZE',
    reasonCode,
    detail,
    raw: {
      symbol: r.symbol,
      mpid: r.mpid,
      total_shares: r.total_shares,
      total_trades: r.total_trades,
      tier: r.tier_text,
    },
    recordKey: r.record_hash,
    sourceLocator: r.source_file,
    line: r.source_line,
  };
}

/**
 * Silver: validates every raw row of the input capture (domain-spec §11.1, all reasons collected) and
 * writes accepted rows to venue_volume and the rest to core_rejects with file, line and rule. Streams
 * page by page, so memory does not grow with the week's size.
 */
export async function normalizeStage(ctx: StageContext, mode: StageMode): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const skip = mode.standalone ? skipWhenDone(ctx, partition, 'NORMALIZED', 'Normalization') : undefined;
  if (skip) return skip;
  const capture = inputCapture(ctx, partition, 'raw data');
  const lineage = lineageOf(capture, ctx);
  const tier = capture.tier as Tier;
  const insert = new LineageInsert(
    ctx.db,
    OTC_TABLES.venueVolume,
    COLUMNS,
    lineage,
    'normalized_at',
    formatUtc(ctx.clock.now()),
  );
  const scope = {
    partitionKey: partition.key,
    captureId: capture.capture_id,
    executionId: lineage.executionId,
    batchId: lineage.batchId,
  };
  let accepted: unknown[][] = [];
  let rejects: RejectRow[] = [];
  const counts = { rowsIn: 0, accepted: 0, rejected: 0 };
  // Cleaning can map two raw keys onto one (AA$PL, AAPL): the first row wins, the others are rejected.
  const seen = new Map<string, number | null>();

  function* compute(): Generator<void> {
    for (const r of iterateRaw(ctx.db, capture.capture_id)) {
      counts.rowsIn++;
      const v = validateRecord(
        {
          tierText: r.tier_text ?? '',
          symbol: r.symbol,
          mpid: r.mpid,
          totalShares: r.total_shares,
          totalTrades: r.total_trades,
        },
        { expectedTier: tier },
      );
      if (!v.ok) {
        rejects.push(
          reject(r, v.reasons[0]?.code ?? 'INVALID', v.reasons.map((x) => `${x.code}: ${x.text}`).join('; ')),
        );
      } else {
        const key = `${v.symbol}\u001f${v.mpid}`;
        if (seen.has(key)) {
          const detail = `${RejectCodes.KEY_COLLISION}: symbol '${r.symbol}' cleans to ${v.symbol}, which line ${String(seen.get(key))} already has for MPID ${v.mpid}`;
          rejects.push(reject(r, RejectCodes.KEY_COLLISION, detail));
        } else {
          seen.set(key, r.source_line);
          const avg = venueAvgTradeSize(r.total_shares, r.total_trades);
          accepted.push([
            capture.week_ending,
            tier,
            v.symbol,
            v.mpid,
            r.issue_name,
            r.venue_name ?? v.mpid,
            r.total_shares,
            r.total_trades,
            avg,
            r.record_hash,
          ]);
        }
      }
      if (accepted.length + rejects.length >= ROWS_PER_CHUNK) yield;
    }
  }
  const clear = (): void => {
    clearCapture(ctx.db, OTC_TABLES.venueVolume, capture.capture_id);
    ctx.db.prepare(`DELETE FROM core_rejects WHERE capture_id = ? AND stage = 'NORMALIZE'`).run(capture.capture_id);
  };
  const flush = (): void => {
    for (const row of accepted) insert.insert(row);
    writeRejects(ctx.db, { ...scope, now: ctx.clock.now() }, rejects);
    counts.accepted += accepted.length;
    counts.rejected += rejects.length;
    accepted = [];
    rejects = [];
  };
  await logStep(ctx.log, 'normalize.validate_write', async (span) => {
    await streamIntoCapture(ctx, capture.status === 'staged', clear, compute, flush);
    span.addMetrics({
      rows_in: counts.rowsIn,
      rows_out: counts.accepted,
      rows_rejected: counts.rejected,
      table: OTC_TABLES.venueVolume,
    });
  });
  otcCaptures(ctx).setRowCount(capture.capture_id, OTC_TABLES.venueVolume, counts.accepted);
  otcManifest(ctx).advanceTo(partition.key, 'NORMALIZED', {
    rowCount: counts.accepted,
    captureId: capture.capture_id,
    executionId: lineage.executionId,
    batchId: lineage.batchId,
    metrics: { error_count: counts.rejected },
  });
  return {
    state: {
      week_ending: capture.week_ending,
      tier,
      capture_id: capture.capture_id,
      accepted: counts.accepted,
      normalize_rejects: counts.rejected,
    },
    metrics: { accepted: counts.accepted, rejected: counts.rejected, capture_id: capture.capture_id },
    rowsIn: counts.rowsIn,
    rowsOut: counts.accepted,
    captureId: capture.capture_id,
  };
}
