import type { StageOutcome } from '../../../contracts/execution.js';
import { formatUtc } from '../../../core/clock.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { keyCollisionDetail, reasonsDetail, validateRecord, venueAvgTradeSize } from '../calculations/normalize.js';
import { OTC_TABLES } from '../constants.js';
import { RejectCodes } from '../reject-codes.js';
import { clearCapture, countCapture } from '../repository/derived.js';
import { writeRejects } from '../repository/rejects.js';
import type { RejectRow } from '../repository/rejects.js';
import { insertCleanVenueRows, rawRowsToValidate, VenueRowEditor } from '../repository/set-based.js';
import type { CaptureScope, RawRowForNormalize } from '../repository/set-based.js';
import { tierTextsFor } from '../tiers.js';
import type { Tier } from '../tiers.js';
import { inCapture, ROWS_PER_CHUNK } from './chunks.js';
import { inputCapture, lineageOf, otcCaptures, otcManifest, partitionFrom, skipWhenDone } from './otc-stage-context.js';

export interface StageMode {
  /** Standalone pipelines honour the manifest (skip unless force); the week pipeline runs every stage. */
  readonly standalone: boolean;
}

function reject(r: RawRowForNormalize, reasonCode: string, detail: string): RejectRow {
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
 * writes accepted rows to venue_volume and the rest to core_rejects with file, line and rule — the
 * definition is `normalizeCaptureRows`. Rows that need no cleaning (all of a real FINRA file) are
 * validated and copied inside SQLite by one INSERT … SELECT; only the others come into TypeScript, in
 * line order and in pages, where `validateRecord` decides and cleaning collisions are resolved against
 * the rows already written (the earlier line keeps the key).
 */
export async function normalizeStage(ctx: StageContext, mode: StageMode): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const skip = mode.standalone ? skipWhenDone(ctx, partition, 'NORMALIZED', 'Normalization') : undefined;
  if (skip) return skip;
  const capture = inputCapture(ctx, partition, 'raw data');
  const lineage = lineageOf(capture, ctx);
  const tier = capture.tier as Tier;
  const scope: CaptureScope = { weekEnding: capture.week_ending, tier, lineage, now: formatUtc(ctx.clock.now()) };
  const rejectScope = {
    partitionKey: partition.key,
    captureId: capture.capture_id,
    executionId: lineage.executionId,
    batchId: lineage.batchId,
  };
  const tierTexts = ['', ...tierTextsFor(tier)];
  const counts = { rowsIn: 0, accepted: 0, rejected: 0, validatedInTs: 0 };

  function* work(): Generator<void> {
    clearCapture(ctx.db, OTC_TABLES.venueVolume, capture.capture_id);
    ctx.db.prepare(`DELETE FROM core_rejects WHERE capture_id = ? AND stage = 'NORMALIZE'`).run(capture.capture_id);
    counts.rowsIn = countCapture(ctx.db, OTC_TABLES.raw, capture.capture_id);
    counts.accepted = insertCleanVenueRows(ctx.db, scope, tierTexts);
    if (counts.accepted === counts.rowsIn) return;
    yield;
    const page = rawRowsToValidate(ctx.db, capture.capture_id, tierTexts);
    const editor = new VenueRowEditor(ctx.db, scope);
    // Cleaned keys this loop wrote, with the line that holds them (clean rows are looked up in raw).
    const held = new Map<string, number | null>();
    let after = 0;
    for (;;) {
      const rows = page(after, ROWS_PER_CHUNK);
      const rejects: RejectRow[] = [];
      for (const r of rows) {
        counts.validatedInTs++;
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
          rejects.push(reject(r, v.reasons[0]?.code ?? RejectCodes.INVALID_TIER, reasonsDetail(v.reasons)));
          continue;
        }
        const key = `${v.symbol}\u001f${v.mpid}`;
        const existing = editor.find(v.symbol, v.mpid);
        if (existing !== undefined) {
          // Held by a row of this loop (an earlier one), or by a clean row, whose raw row has that very key;
          // rows count in raw id order (line order), as in normalizeCaptureRows.
          const holder = held.has(key) ? undefined : editor.rawRowOf(v.symbol, v.mpid);
          const holderLine = holder ? holder.source_line : (held.get(key) ?? null);
          if (!holder || holder.id < r.id) {
            const detail = keyCollisionDetail(r.symbol, v.symbol, v.mpid, holderLine);
            rejects.push(reject(r, RejectCodes.KEY_COLLISION, detail));
            continue;
          }
          // This row comes first: it takes the key and the later clean row becomes the collision.
          editor.delete(existing);
          counts.accepted--;
          const detail = keyCollisionDetail(holder.symbol, v.symbol, v.mpid, r.source_line);
          rejects.push(reject(holder, RejectCodes.KEY_COLLISION, detail));
        }
        held.set(key, r.source_line);
        editor.insert({
          symbol: v.symbol,
          mpid: v.mpid,
          issue_name: r.issue_name,
          venue_name: r.venue_name ?? v.mpid,
          total_shares: r.total_shares,
          total_trades: r.total_trades,
          avg_trade_size: venueAvgTradeSize(r.total_shares, r.total_trades),
          record_hash: r.record_hash,
        });
        counts.accepted++;
      }
      writeRejects(ctx.db, { ...rejectScope, now: ctx.clock.now() }, rejects);
      counts.rejected += rejects.length;
      const last = rows.at(-1);
      if (!last || rows.length < ROWS_PER_CHUNK) return;
      after = last.id;
      yield;
    }
  }

  await logStep(ctx.log, 'normalize.validate_write', async (span) => {
    await inCapture(ctx, capture.status === 'staged', work);
    span.addMetrics({
      rows_in: counts.rowsIn,
      rows_out: counts.accepted,
      rows_rejected: counts.rejected,
      rows_validated_in_ts: counts.validatedInTs,
      table: OTC_TABLES.venueVolume,
    });
  });
  // weekly_symbol_venue_volume is a view over these rows (migration 060); row counts list tables only.
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
