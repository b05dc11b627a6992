-- 060 OTC set-based calculations (issue 12).
--
-- 1. finra_otc_transparency_weekly_symbol_venue_volume was a row-for-row copy of venue_volume (1M rows
--    written again for a 1M-row week). It becomes a view over venue_volume with the same columns and
--    lineage, so `spine query otc.symbol_venue_volume`, its *_latest view and `--as-of` keep working.
--    calculated_at is the row's normalized_at (the copy was computed from exactly those rows). A capture
--    that was normalized but never ran the calcs now shows its rows here too.
-- 2. Secondary indexes that no query uses are dropped: every capture-scoped read filters on capture_id
--    (served by the (capture_id, …) index) or on week_ending/tier (served by the UNIQUE key, which starts
--    with them). docs/benchmarks.md lists each remaining index with the query plan that uses it.

DROP VIEW finra_otc_transparency_weekly_symbol_venue_volume_latest;
DROP TABLE finra_otc_transparency_weekly_symbol_venue_volume;

CREATE VIEW finra_otc_transparency_weekly_symbol_venue_volume AS
SELECT
  id,
  week_ending,
  tier,
  symbol,
  mpid,
  COALESCE(venue_name, mpid) AS venue_name,
  total_shares AS total_volume,
  total_trades AS trade_count,
  'weekly_symbol_venue_volume' AS calc_name,
  'v1' AS calc_version,
  source_last_update_date,
  normalized_at AS calculated_at,
  execution_id,
  batch_id,
  captured_at,
  capture_id
FROM finra_otc_transparency_venue_volume;

CREATE VIEW finra_otc_transparency_weekly_symbol_venue_volume_latest AS
SELECT t.* FROM finra_otc_transparency_weekly_symbol_venue_volume t
JOIN core_captures_latest l ON l.capture_id = t.capture_id;

DROP INDEX idx_finra_otc_transparency_venue_volume_symbol;
DROP INDEX idx_finra_otc_transparency_symbol_summary_symbol;
DROP INDEX idx_finra_otc_transparency_symbol_rolling_6w_week;
DROP INDEX idx_finra_otc_weekly_symbol_venue_share_symbol;
DROP INDEX idx_finra_otc_weekly_symbol_hhi_symbol;
DROP INDEX idx_finra_otc_weekly_symbol_tier_share_symbol;
