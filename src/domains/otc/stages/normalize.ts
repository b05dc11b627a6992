import type { StageOutcome } from '../../../contracts/execution.js';
import { formatUtc } from '../../../core/clock.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { venueAvgTradeSize, validateRecord } from '../calculations/normalize.js';
import { RejectCodes } from '../reject-codes.js';
import { OTC_TABLES } from '../constants.js';
import { clearCapture, LineageInsert } from '../repository/derived.js';
import { iterateRaw } from '../repository/raw.js';
import { writeRejects } from '../repository/rejects.js';
import type { RejectRow } from '../repository/rejects.js';
import type { Tier } from '../tiers.js';
import { writeChunked } from './chunks.js';
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

/**
 * Silver: validates every raw row of the input capture (domain-spec §11.1, all reasons collected) and
 * writes accepted rows to venue_volume and the rest to core_rejects with file, line and rule.
 */
export async function normalizeStage(ctx: StageContext, mode: StageMode): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const skip = mode.standalone ? skipWhenDone(ctx, partition, 'NORMALIZED', 'Normalization') : undefined;
  if (skip) return skip;
  const capture = inputCapture(ctx, partition, 'raw data');
  const lineage = lineageOf(capture, ctx);
  const tier = capture.tier as Tier;
  const accepted: unknown[][] = [];
  const rejects: RejectRow[] = [];
  let rowsIn = 0;
  // Cleaning can map two raw keys onto one (AA$PL, AAPL): the first row wins, the others are rejected.
  const seen = new Map<string, number | null>();
  await logStep(ctx.log, 'normalize.validate', (span) => {
    for (const r of iterateRaw(ctx.db, capture.capture_id)) {
      rowsIn++;
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
      const key = v.ok ? `${v.symbol}\u001f${v.mpid}` : '';
      if (v.ok && seen.has(key)) {
        rejects.push({
          stage: 'NORMALIZE',
          reasonCode: RejectCodes.KEY_COLLISION,
          detail: `${RejectCodes.KEY_COLLISION}: symbol '${r.symbol}' cleans to ${v.symbol}, which line ${String(seen.get(key))} already has for MPID ${v.mpid}`,
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
        });
      } else if (v.ok) {
        seen.set(key, r.source_line);
        accepted.push([
          capture.week_ending,
          tier,
          v.symbol,
          v.mpid,
          r.issue_name,
          r.venue_name ?? v.mpid,
          r.total_shares,
          r.total_trades,
          venueAvgTradeSize(r.total_shares, r.total_trades),
          r.record_hash,
        ]);
      } else {
        rejects.push({
          stage: 'NORMALIZE',
          reasonCode: v.reasons[0]?.code ?? 'INVALID',
          detail: v.reasons.map((x) => `${x.code}: ${x.text}`).join('; '),
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
        });
      }
    }
    span.addMetrics({ rows_in: rowsIn, rows_out: accepted.length, rows_rejected: rejects.length });
  });
  const insert = new LineageInsert(
    ctx.db,
    OTC_TABLES.venueVolume,
    COLUMNS,
    lineage,
    'normalized_at',
    formatUtc(ctx.clock.now()),
  );
  await logStep(ctx.log, 'normalize.write', async (span) => {
    await writeChunked(
      ctx,
      capture.status === 'staged',
      () => {
        clearCapture(ctx.db, OTC_TABLES.venueVolume, capture.capture_id);
        ctx.db.prepare(`DELETE FROM core_rejects WHERE capture_id = ? AND stage = 'NORMALIZE'`).run(capture.capture_id);
        writeRejects(
          ctx.db,
          {
            partitionKey: partition.key,
            captureId: capture.capture_id,
            executionId: lineage.executionId,
            batchId: lineage.batchId,
            now: ctx.clock.now(),
          },
          rejects,
        );
      },
      accepted,
      (row) => insert.insert(row),
    );
    span.addMetrics({ rows_out: accepted.length, table: OTC_TABLES.venueVolume });
  });
  otcCaptures(ctx).setRowCount(capture.capture_id, OTC_TABLES.venueVolume, accepted.length);
  otcManifest(ctx).advanceTo(partition.key, 'NORMALIZED', {
    rowCount: accepted.length,
    captureId: capture.capture_id,
    executionId: lineage.executionId,
    batchId: lineage.batchId,
    metrics: { error_count: rejects.length },
  });
  return {
    state: {
      week_ending: capture.week_ending,
      tier,
      capture_id: capture.capture_id,
      accepted: accepted.length,
      normalize_rejects: rejects.length,
    },
    metrics: { accepted: accepted.length, rejected: rejects.length, capture_id: capture.capture_id },
    rowsIn,
    rowsOut: accepted.length,
    captureId: capture.capture_id,
  };
}
