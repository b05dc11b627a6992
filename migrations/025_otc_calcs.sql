-- 025 OTC calculations: the per-symbol venue analytics of domain-spec §10.3, versioned by calc_name
-- and calc_version. Same lineage and capture-scoped keys as 020.

CREATE TABLE finra_otc_transparency_weekly_symbol_venue_volume (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  week_ending TEXT NOT NULL,
  tier TEXT NOT NULL,
  symbol TEXT NOT NULL,
  mpid TEXT NOT NULL,
  venue_name TEXT,
  total_volume INTEGER NOT NULL CHECK (total_volume >= 0),
  trade_count INTEGER NOT NULL CHECK (trade_count >= 0),
  calc_name TEXT NOT NULL DEFAULT 'weekly_symbol_venue_volume',
  calc_version TEXT NOT NULL DEFAULT 'v1',
  source_last_update_date TEXT,
  calculated_at TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  UNIQUE (week_ending, tier, symbol, mpid, capture_id)
);
CREATE INDEX idx_finra_otc_weekly_symbol_venue_volume_capture ON finra_otc_transparency_weekly_symbol_venue_volume (capture_id, symbol, mpid);
CREATE INDEX idx_finra_otc_weekly_symbol_venue_volume_symbol ON finra_otc_transparency_weekly_symbol_venue_volume (symbol, week_ending, tier);

CREATE TABLE finra_otc_transparency_weekly_symbol_venue_share (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  week_ending TEXT NOT NULL,
  tier TEXT NOT NULL,
  symbol TEXT NOT NULL,
  mpid TEXT NOT NULL,
  venue_name TEXT,
  venue_volume INTEGER NOT NULL CHECK (venue_volume >= 0),
  total_symbol_volume INTEGER NOT NULL CHECK (total_symbol_volume >= 0),
  venue_share REAL NOT NULL CHECK (venue_share >= 0 AND venue_share <= 1),
  calc_name TEXT NOT NULL DEFAULT 'weekly_symbol_venue_share',
  calc_version TEXT NOT NULL DEFAULT 'v1',
  source_last_update_date TEXT,
  calculated_at TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  UNIQUE (week_ending, tier, symbol, mpid, capture_id)
);
CREATE INDEX idx_finra_otc_weekly_symbol_venue_share_capture ON finra_otc_transparency_weekly_symbol_venue_share (capture_id, symbol, mpid);
CREATE INDEX idx_finra_otc_weekly_symbol_venue_share_symbol ON finra_otc_transparency_weekly_symbol_venue_share (symbol, week_ending, tier);

CREATE TABLE finra_otc_transparency_weekly_symbol_venue_concentration_hhi (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  week_ending TEXT NOT NULL,
  tier TEXT NOT NULL,
  symbol TEXT NOT NULL,
  hhi REAL NOT NULL CHECK (hhi >= 0 AND hhi <= 1),
  venue_count INTEGER NOT NULL CHECK (venue_count > 0),
  total_symbol_volume INTEGER NOT NULL CHECK (total_symbol_volume >= 0),
  calc_name TEXT NOT NULL DEFAULT 'weekly_symbol_venue_concentration_hhi',
  calc_version TEXT NOT NULL DEFAULT 'v1',
  source_last_update_date TEXT,
  calculated_at TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  UNIQUE (week_ending, tier, symbol, capture_id)
);
CREATE INDEX idx_finra_otc_weekly_symbol_hhi_capture ON finra_otc_transparency_weekly_symbol_venue_concentration_hhi (capture_id, symbol);
CREATE INDEX idx_finra_otc_weekly_symbol_hhi_symbol ON finra_otc_transparency_weekly_symbol_venue_concentration_hhi (symbol, week_ending, tier);

CREATE TABLE finra_otc_transparency_weekly_symbol_tier_volume_share (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  week_ending TEXT NOT NULL,
  tier TEXT NOT NULL,
  symbol TEXT NOT NULL,
  tier_volume INTEGER NOT NULL CHECK (tier_volume >= 0),
  total_symbol_volume_all_tiers INTEGER NOT NULL CHECK (total_symbol_volume_all_tiers >= 0),
  tier_volume_share REAL NOT NULL CHECK (tier_volume_share >= 0 AND tier_volume_share <= 1),
  input_capture_ids TEXT,
  calc_name TEXT NOT NULL DEFAULT 'weekly_symbol_tier_volume_share',
  calc_version TEXT NOT NULL DEFAULT 'v1',
  source_last_update_date TEXT,
  calculated_at TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  UNIQUE (week_ending, tier, symbol, capture_id)
);
CREATE INDEX idx_finra_otc_weekly_symbol_tier_share_capture ON finra_otc_transparency_weekly_symbol_tier_volume_share (capture_id, symbol);
CREATE INDEX idx_finra_otc_weekly_symbol_tier_share_symbol ON finra_otc_transparency_weekly_symbol_tier_volume_share (symbol, week_ending, tier);

-- Calc registry mirror: which calculation versions this database has produced (domain-spec §10.3).
CREATE TABLE finra_otc_transparency_calc_versions (
  calc_name TEXT NOT NULL,
  calc_version TEXT NOT NULL,
  table_name TEXT NOT NULL,
  is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),
  registered_at TEXT NOT NULL,
  PRIMARY KEY (calc_name, calc_version)
);
