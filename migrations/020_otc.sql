-- 020 OTC: FINRA OTC transparency domain tables (domain-spec §8.3).
-- Every table carries full lineage (capture_id, captured_at, source_last_update_date, execution_id,
-- batch_id, week_ending) and every UNIQUE key includes capture_id, so captures of one week coexist.
-- Ratios and means are REAL (the reference stored Python float text; we compare numerically).

CREATE TABLE finra_otc_transparency_raw (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_hash TEXT NOT NULL,
  week_ending TEXT NOT NULL,
  tier TEXT NOT NULL,
  tier_text TEXT,
  symbol TEXT NOT NULL,
  issue_name TEXT,
  venue_name TEXT,
  mpid TEXT NOT NULL,
  total_shares INTEGER NOT NULL,
  total_trades INTEGER NOT NULL,
  source_last_update_date TEXT,
  source_file TEXT,
  source_line INTEGER,
  ingested_at TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  UNIQUE (week_ending, tier, symbol, mpid, capture_id)
);
CREATE INDEX idx_finra_otc_transparency_raw_capture ON finra_otc_transparency_raw (capture_id);

CREATE TABLE finra_otc_transparency_venue_volume (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  week_ending TEXT NOT NULL,
  tier TEXT NOT NULL,
  symbol TEXT NOT NULL,
  mpid TEXT NOT NULL,
  issue_name TEXT,
  venue_name TEXT,
  total_shares INTEGER NOT NULL,
  total_trades INTEGER NOT NULL,
  avg_trade_size REAL,
  record_hash TEXT NOT NULL,
  source_last_update_date TEXT,
  normalized_at TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  UNIQUE (week_ending, tier, symbol, mpid, capture_id)
);
CREATE INDEX idx_finra_otc_transparency_venue_volume_capture ON finra_otc_transparency_venue_volume (capture_id, symbol, mpid);
CREATE INDEX idx_finra_otc_transparency_venue_volume_symbol ON finra_otc_transparency_venue_volume (symbol, week_ending, tier);

CREATE TABLE finra_otc_transparency_symbol_summary (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  week_ending TEXT NOT NULL,
  tier TEXT NOT NULL,
  symbol TEXT NOT NULL,
  issue_name TEXT,
  total_volume INTEGER NOT NULL,
  total_trades INTEGER NOT NULL,
  venue_count INTEGER NOT NULL,
  avg_trade_size REAL,
  source_last_update_date TEXT,
  calculated_at TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  UNIQUE (week_ending, tier, symbol, capture_id)
);
CREATE INDEX idx_finra_otc_transparency_symbol_summary_capture ON finra_otc_transparency_symbol_summary (capture_id, symbol);
CREATE INDEX idx_finra_otc_transparency_symbol_summary_symbol ON finra_otc_transparency_symbol_summary (symbol, week_ending, tier);

CREATE TABLE finra_otc_transparency_venue_share (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  week_ending TEXT NOT NULL,
  tier TEXT NOT NULL,
  mpid TEXT NOT NULL,
  venue_name TEXT,
  total_volume INTEGER NOT NULL,
  total_trades INTEGER NOT NULL,
  symbol_count INTEGER NOT NULL,
  market_share_pct REAL NOT NULL CHECK (market_share_pct >= 0 AND market_share_pct <= 1),
  rank INTEGER NOT NULL CHECK (rank >= 1),
  calc_version TEXT NOT NULL DEFAULT 'v1',
  source_last_update_date TEXT,
  calculated_at TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  UNIQUE (week_ending, tier, mpid, capture_id)
);
CREATE INDEX idx_finra_otc_transparency_venue_share_capture ON finra_otc_transparency_venue_share (capture_id, rank);

CREATE TABLE finra_otc_transparency_symbol_rolling_6w (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  week_ending TEXT NOT NULL,
  tier TEXT NOT NULL,
  symbol TEXT NOT NULL,
  avg_volume REAL NOT NULL,
  avg_trades REAL NOT NULL,
  min_volume INTEGER NOT NULL,
  max_volume INTEGER NOT NULL,
  trend_direction TEXT CHECK (trend_direction IN ('UP', 'DOWN', 'FLAT')),
  trend_pct REAL,
  weeks_in_window INTEGER NOT NULL,
  is_complete INTEGER NOT NULL CHECK (is_complete IN (0, 1)),
  input_min_capture_id TEXT,
  input_max_capture_id TEXT,
  source_last_update_date TEXT,
  calculated_at TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  UNIQUE (week_ending, tier, symbol, capture_id)
);
CREATE INDEX idx_finra_otc_transparency_symbol_rolling_6w_capture ON finra_otc_transparency_symbol_rolling_6w (capture_id, symbol);
CREATE INDEX idx_finra_otc_transparency_symbol_rolling_6w_week ON finra_otc_transparency_symbol_rolling_6w (week_ending, tier, captured_at);
