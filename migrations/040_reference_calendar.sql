-- 040 reference calendar: exchange holiday calendars and per-month trading days (domain-spec §8.6).
-- Domain `reference.exchange_calendar`. Unlike the reference (INSERT OR REPLACE, one calendar per year),
-- calendar captures COEXIST: every UNIQUE key includes capture_id, a re-ingest with force adds a new
-- capture, and readers take the latest capture per (exchange_code, year) — captured_at DESC — unless a
-- capture is pinned. The captures table records every capture, so a year with no holidays still counts
-- as "calendar present".

CREATE TABLE reference_exchange_calendar_captures (
  capture_id TEXT PRIMARY KEY,
  exchange_code TEXT NOT NULL,
  year INTEGER NOT NULL,
  captured_at TEXT NOT NULL,
  source_file TEXT,
  content_hash TEXT,
  holiday_count INTEGER NOT NULL CHECK (holiday_count >= 0),
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_reference_exchange_calendar_captures_pit
  ON reference_exchange_calendar_captures (exchange_code, year, captured_at DESC);

CREATE TABLE reference_exchange_calendar_holidays (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  year INTEGER NOT NULL,
  exchange_code TEXT NOT NULL,
  holiday_date TEXT NOT NULL,
  holiday_name TEXT NOT NULL,
  holiday_type TEXT,
  source_file TEXT,
  ingested_at TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  UNIQUE (year, exchange_code, holiday_date, capture_id),
  CHECK (substr(holiday_date, 1, 4) = printf('%04d', year))
);
CREATE INDEX idx_reference_exchange_calendar_holidays_year ON reference_exchange_calendar_holidays (year, exchange_code);
CREATE INDEX idx_reference_exchange_calendar_holidays_capture ON reference_exchange_calendar_holidays (capture_id);

CREATE TABLE reference_exchange_calendar_trading_days (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  year INTEGER NOT NULL,
  exchange_code TEXT NOT NULL,
  month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
  trading_days INTEGER NOT NULL CHECK (trading_days >= 0),
  calendar_days INTEGER NOT NULL CHECK (calendar_days BETWEEN 28 AND 31),
  weekend_days INTEGER NOT NULL CHECK (weekend_days >= 0),
  holidays INTEGER NOT NULL CHECK (holidays >= 0),
  calc_name TEXT NOT NULL,
  calc_version TEXT NOT NULL,
  calculated_at TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  UNIQUE (year, exchange_code, month, capture_id),
  CHECK (trading_days + weekend_days + holidays = calendar_days)
);
CREATE INDEX idx_reference_exchange_calendar_trading_days_year ON reference_exchange_calendar_trading_days (year, exchange_code);
CREATE INDEX idx_reference_exchange_calendar_trading_days_capture ON reference_exchange_calendar_trading_days (capture_id);

-- The latest capture per (exchange_code, year); ties on captured_at go to the later insert.
CREATE VIEW reference_exchange_calendar_captures_latest AS
SELECT c.*
FROM reference_exchange_calendar_captures c
WHERE NOT EXISTS (
  SELECT 1 FROM reference_exchange_calendar_captures n
  WHERE n.exchange_code = c.exchange_code AND n.year = c.year
    AND (n.captured_at > c.captured_at OR (n.captured_at = c.captured_at AND n.rowid > c.rowid))
);

CREATE VIEW reference_exchange_calendar_holidays_latest AS
SELECT h.* FROM reference_exchange_calendar_holidays h
JOIN reference_exchange_calendar_captures_latest l ON l.capture_id = h.capture_id;

CREATE VIEW reference_exchange_calendar_trading_days_latest AS
SELECT t.* FROM reference_exchange_calendar_trading_days t
JOIN reference_exchange_calendar_captures_latest l ON l.capture_id = t.capture_id;
