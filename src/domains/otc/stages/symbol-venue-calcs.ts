import type { StageOutcome } from '../../../contracts/execution.js';
import type { Capture } from '../../../core/captures/capture-registry.js';
import { formatUtc } from '../../../core/clock.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { checkHhiRange } from '../calculations/quality.js';
import {
  weeklySymbolTierVolumeShare,
  weeklySymbolVenueHhi,
  weeklySymbolVenueShare,
  weeklySymbolVenueVolume,
} from '../calculations/symbol-venue.js';
import { OTC_DOMAIN, OTC_TABLES } from '../constants.js';
import { clearCapture, LineageInsert } from '../repository/derived.js';
import { writeQuality } from '../repository/quality.js';
import { fromSqlInteger } from '../repository/sql-integer.js';
import { venueRows } from '../repository/venue-rows.js';
import { TIERS } from '../tiers.js';
import type { Tier } from '../tiers.js';
import type { VenueRow } from '../types.js';
import { ROWS_PER_CHUNK, streamIntoCapture } from './chunks.js';
import { inputCapture, lineageOf, otcCaptures, partitionFrom } from './otc-stage-context.js';

const T = OTC_TABLES;
const TABLES = {
  volume: {
    table: T.symbolVenueVolume,
    columns: ['week_ending', 'tier', 'symbol', 'mpid', 'venue_name', 'total_volume', 'trade_count'],
  },
  share: {
    table: T.symbolVenueShare,
    columns: [
      'week_ending',
      'tier',
      'symbol',
      'mpid',
      'venue_name',
      'venue_volume',
      'total_symbol_volume',
      'venue_share',
    ],
  },
  hhi: { table: T.hhi, columns: ['week_ending', 'tier', 'symbol', 'hhi', 'venue_count', 'total_symbol_volume'] },
  tier: {
    table: T.tierVolumeShare,
    columns: [
      'week_ending',
      'tier',
      'symbol',
      'tier_volume',
      'total_symbol_volume_all_tiers',
      'tier_volume_share',
      'input_capture_ids',
    ],
  },
} as const;

/** Buffers one table's rows and writes them when flushed (the caller decides the transaction). */
class BufferedTable {
  readonly #insert: LineageInsert;
  #pending: unknown[][] = [];
  count = 0;

  constructor(
    ctx: StageContext,
    capture: Capture,
    readonly table: string,
    columns: readonly string[],
  ) {
    this.#insert = new LineageInsert(
      ctx.db,
      table,
      columns,
      lineageOf(capture, ctx),
      'calculated_at',
      formatUtc(ctx.clock.now()),
    );
  }

  add(values: unknown[]): void {
    this.#pending.push(values);
    this.count++;
  }

  get pending(): number {
    return this.#pending.length;
  }

  flush(): void {
    for (const v of this.#pending) this.#insert.insert(v);
    this.#pending = [];
  }
}

/** Consecutive rows of one symbol (the input is in symbol order). */
function* bySymbol(rows: Iterable<VenueRow>): Generator<VenueRow[]> {
  let group: VenueRow[] = [];
  for (const r of rows) {
    if (group.length > 0 && group[0]?.symbol !== r.symbol) {
      yield group;
      group = [];
    }
    group.push(r);
  }
  if (group.length > 0) yield group;
}

/** Other tiers' per-symbol volume for the week (their latest published captures), as one row per symbol. */
function otherTierTotals(
  ctx: StageContext,
  capture: Capture,
  tier: Tier,
): { totals: Map<string, VenueRow[]>; inputIds: string[] } {
  const totals = new Map<string, VenueRow[]>();
  const inputIds = [capture.capture_id];
  const read = ctx.db
    .prepare(`SELECT symbol, total_volume FROM ${T.symbolSummary} WHERE capture_id = ?`)
    .safeIntegers(true);
  for (const other of TIERS) {
    if (other === tier) continue;
    const c = otcCaptures(ctx).latestPublished(OTC_DOMAIN, capture.week_ending, other);
    if (!c) continue;
    inputIds.push(c.capture_id);
    for (const r of read.all(c.capture_id) as { symbol: string; total_volume: bigint }[]) {
      const row: VenueRow = {
        weekEnding: capture.week_ending,
        tier: other,
        symbol: r.symbol,
        mpid: '',
        totalShares: fromSqlInteger(r.total_volume),
        totalTrades: 0,
      };
      totals.set(r.symbol, [...(totals.get(r.symbol) ?? []), row]);
    }
  }
  return { totals, inputIds };
}

/**
 * Per-symbol venue analytics (domain-spec §10.3): venue volume, venue share, HHI and tier share, with
 * calc_name/calc_version. Computed symbol by symbol from the (symbol, mpid)-ordered venue rows and
 * written as it goes, so memory holds one page and one chunk, whatever the week's size. The tier share
 * sums each symbol over every tier's latest published capture of the week (plus this capture), fixing
 * the reference, where one capture per tier made every share 1.0.
 */
export async function symbolVenueCalcsStage(ctx: StageContext): Promise<StageOutcome> {
  const partition = partitionFrom(ctx);
  const capture = inputCapture(ctx, partition, 'normalized data');
  const tier = capture.tier as Tier;
  const { totals, inputIds } = otherTierTotals(ctx, capture, tier);
  const inputs = inputIds.join(',');
  const out = Object.fromEntries(
    Object.entries(TABLES).map(([k, t]) => [k, new BufferedTable(ctx, capture, t.table, t.columns)]),
  ) as Record<keyof typeof TABLES, BufferedTable>;
  const buffers = Object.values(out);
  const hhiValues: number[] = [];
  let singleVenue = 0;
  let rowsIn = 0;

  /** Computes symbol by symbol; pauses (yields) whenever a chunk of rows is ready to be written. */
  function* compute(): Generator<void> {
    for (const rows of bySymbol(venueRows(ctx.db, capture.capture_id, capture.week_ending, tier))) {
      rowsIn += rows.length;
      const plain = rows.map(({ captureId: _c, ...r }) => r);
      for (const v of weeklySymbolVenueVolume(plain))
        out.volume.add([v.weekEnding, v.tier, v.symbol, v.mpid, v.venueName, v.totalVolume, v.tradeCount]);
      const shares = weeklySymbolVenueShare(plain);
      for (const s of shares)
        out.share.add([
          s.weekEnding,
          s.tier,
          s.symbol,
          s.mpid,
          s.venueName,
          s.venueVolume,
          s.totalSymbolVolume,
          s.venueShare,
        ]);
      for (const h of weeklySymbolVenueHhi(shares)) {
        out.hhi.add([h.weekEnding, h.tier, h.symbol, h.hhi, h.venueCount, h.totalSymbolVolume]);
        hhiValues.push(h.hhi);
        if (h.venueCount === 1) singleVenue++;
      }
      const symbol = rows[0]?.symbol ?? '';
      for (const t of weeklySymbolTierVolumeShare([...plain, ...(totals.get(symbol) ?? [])]).filter(
        (x) => x.tier === tier,
      )) {
        out.tier.add([
          t.weekEnding,
          t.tier,
          t.symbol,
          t.tierVolume,
          t.totalSymbolVolumeAllTiers,
          t.tierVolumeShare,
          inputs,
        ]);
      }
      if (buffers.reduce((n, b) => n + b.pending, 0) >= ROWS_PER_CHUNK) yield;
    }
  }
  const clearAll = (): void => buffers.forEach((b) => clearCapture(ctx.db, b.table, capture.capture_id));
  const flushAll = (): void => buffers.forEach((b) => b.flush());

  await logStep(ctx.log, 'calcs.compute_write', async (span) => {
    await streamIntoCapture(ctx, capture.status === 'staged', clearAll, compute, flushAll);
    span.addMetrics({ rows_in: rowsIn, rows_out: buffers.reduce((n, b) => n + b.count, 0) });
  });
  for (const b of buffers) otcCaptures(ctx).setRowCount(capture.capture_id, b.table, b.count);
  writeQuality(ctx, partition.key, capture.capture_id, [checkHhiRange(hhiValues)]);
  const meanHhi = hhiValues.length > 0 ? hhiValues.reduce((s, h) => s + h, 0) / hhiValues.length : 0;
  return {
    state: { capture_id: capture.capture_id, mean_hhi: Number(meanHhi.toFixed(6)), single_venue_symbols: singleVenue },
    metrics: { symbols: hhiValues.length, calc_version: 'v1', mean_hhi: meanHhi },
    rowsIn,
    rowsOut: buffers.reduce((n, b) => n + b.count, 0),
    captureId: capture.capture_id,
  };
}
