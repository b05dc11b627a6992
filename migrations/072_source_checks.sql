-- 072 source checks: what `spine sync` learned about each (week, tier) from the FINRA Query API, one row
-- per week checked. A check that found the same content as the latest capture ("checked, unchanged") is
-- recorded here only: no capture, no data rows. A check that led to a new capture names it.
-- outcome: unchanged | changed (content differs; a week run is publishing it) | published | absent (the API had no rows: not yet published or withheld) |
--          failed (error_code says why, e.g. SOURCE_UNAVAILABLE after the retries).
-- content_hash / source_last_update_date: what the API served (null when absent or failed).
-- latest_capture_id: the latest published capture the check compared with (null: none existed).
CREATE TABLE core_source_checks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL,
  week_ending TEXT NOT NULL,
  tier TEXT NOT NULL,
  source TEXT NOT NULL,
  checked_at TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('unchanged', 'changed', 'published', 'absent', 'failed')),
  reason TEXT,
  content_hash TEXT,
  source_last_update_date TEXT,
  rows INTEGER,
  requests INTEGER NOT NULL DEFAULT 0,
  latest_capture_id TEXT,
  capture_id TEXT,
  error_code TEXT,
  error_message TEXT,
  execution_id TEXT NOT NULL,
  batch_id TEXT
);
CREATE INDEX idx_core_source_checks_partition ON core_source_checks (domain, week_ending, tier, checked_at);
CREATE INDEX idx_core_source_checks_execution ON core_source_checks (execution_id);
