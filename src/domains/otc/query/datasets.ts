import { OTC_TABLES } from '../constants.js';

/** A queryable dataset: a capture-scoped table with the columns users filter and sort on. */
export interface Dataset {
  readonly name: string;
  readonly table: string;
  readonly description: string;
  readonly defaultOrder: string;
  /**
   * Row order of an export within one capture: the key of the table's capture index, then the row id, so
   * SQLite walks the index instead of sorting (memory stays flat) and the same capture always exports
   * byte-identical files.
   */
  readonly exportOrder: string;
  /** Core tables (rejects, quality) carry capture_id but not the other lineage columns: joined in. */
  readonly joinLineage?: boolean;
  /** Stored column → output name, where the stored name says something the value is not. */
  readonly renames?: Readonly<Record<string, string>>;
}

export const DATASETS: readonly Dataset[] = [
  {
    name: 'otc.summary',
    table: OTC_TABLES.symbolSummary,
    description: 'Per symbol: volume, trades, venue count',
    defaultOrder: 'total_volume DESC',
    exportOrder: 'symbol, id',
  },
  {
    name: 'otc.venue_volume',
    table: OTC_TABLES.venueVolume,
    description: 'Per symbol and venue (normalized rows)',
    defaultOrder: 'total_shares DESC',
    exportOrder: 'symbol, mpid, id',
  },
  {
    name: 'otc.venue_share',
    table: OTC_TABLES.venueShare,
    description: 'Per venue: market_share of the tier (a fraction 0..1) and rank',
    defaultOrder: 'rank ASC',
    exportOrder: 'rank, mpid, id',
    // The stored column is named _pct but holds a fraction of 1.
    renames: { market_share_pct: 'market_share' },
  },
  {
    name: 'otc.symbol_venue_volume',
    table: OTC_TABLES.symbolVenueVolume,
    description: 'Per symbol and venue volume (calc)',
    defaultOrder: 'total_volume DESC',
    exportOrder: 'symbol, mpid, id',
  },
  {
    name: 'otc.symbol_venue_share',
    table: OTC_TABLES.symbolVenueShare,
    description: "Each venue's share of a symbol's volume",
    defaultOrder: 'venue_volume DESC',
    exportOrder: 'symbol, mpid, id',
  },
  {
    name: 'otc.hhi',
    table: OTC_TABLES.hhi,
    description: 'Venue concentration per symbol (HHI, 0..1)',
    defaultOrder: 'total_symbol_volume DESC',
    exportOrder: 'symbol, id',
  },
  {
    name: 'otc.tier_share',
    table: OTC_TABLES.tierVolumeShare,
    description: "Each tier's share of a symbol's volume",
    defaultOrder: 'tier_volume DESC',
    exportOrder: 'symbol, id',
  },
  {
    name: 'otc.rolling',
    table: OTC_TABLES.rolling,
    description: '6-week rolling averages and trend',
    defaultOrder: 'avg_volume DESC',
    exportOrder: 'symbol, id',
  },
  {
    name: 'otc.raw',
    table: OTC_TABLES.raw,
    description: 'Rows as ingested (bronze)',
    defaultOrder: 'source_line ASC',
    exportOrder: 'id',
  },
  {
    name: 'otc.rejects',
    table: 'core_rejects',
    description: 'Rejected input rows: file, line, rule',
    defaultOrder: 'line_number ASC',
    exportOrder: 'id',
    joinLineage: true,
  },
  {
    name: 'otc.quality',
    table: 'core_quality',
    description: 'Quality checks per capture',
    defaultOrder: 'id ASC',
    exportOrder: 'id',
    joinLineage: true,
  },
];

/** Short names kept from the Basic CLI (`spine query symbols|rejects|quality`). */
export const DATASET_ALIASES: Readonly<Record<string, string>> = {
  summary: 'otc.summary',
  symbols: 'otc.summary',
  rejects: 'otc.rejects',
  quality: 'otc.quality',
  venues: 'otc.venue_share',
};

/** Columns that are lineage and audit, shown last. */
export const LINEAGE_COLUMNS = ['capture_id', 'captured_at', 'source_last_update_date', 'execution_id', 'batch_id'];
