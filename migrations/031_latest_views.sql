-- 031 latest views: what readers see. Only published captures count; "latest" is the newest
-- captured_at per (domain, week_ending, tier). Each *_latest view joins a capture-scoped table to
-- core_captures_latest by capture_id, so a week/tier lookup uses the table's UNIQUE index (which
-- starts with week_ending, tier) and the captures partition index — no full scan. Additive: the
-- base tables keep working as before.

CREATE VIEW core_captures_latest AS
SELECT c.*
FROM core_captures c
WHERE c.status = 'published'
  AND NOT EXISTS (
    SELECT 1 FROM core_captures n
    WHERE n.domain = c.domain AND n.week_ending = c.week_ending AND n.tier = c.tier
      AND n.status = 'published' AND n.captured_at > c.captured_at
  );

CREATE VIEW finra_otc_transparency_raw_latest AS
SELECT t.* FROM finra_otc_transparency_raw t JOIN core_captures_latest l ON l.capture_id = t.capture_id;

CREATE VIEW finra_otc_transparency_venue_volume_latest AS
SELECT t.* FROM finra_otc_transparency_venue_volume t JOIN core_captures_latest l ON l.capture_id = t.capture_id;

CREATE VIEW finra_otc_transparency_symbol_summary_latest AS
SELECT t.* FROM finra_otc_transparency_symbol_summary t JOIN core_captures_latest l ON l.capture_id = t.capture_id;

CREATE VIEW finra_otc_transparency_venue_share_latest AS
SELECT t.* FROM finra_otc_transparency_venue_share t JOIN core_captures_latest l ON l.capture_id = t.capture_id;

CREATE VIEW finra_otc_transparency_symbol_rolling_6w_latest AS
SELECT t.* FROM finra_otc_transparency_symbol_rolling_6w t JOIN core_captures_latest l ON l.capture_id = t.capture_id;

CREATE VIEW finra_otc_transparency_weekly_symbol_venue_volume_latest AS
SELECT t.* FROM finra_otc_transparency_weekly_symbol_venue_volume t JOIN core_captures_latest l ON l.capture_id = t.capture_id;

CREATE VIEW finra_otc_transparency_weekly_symbol_venue_share_latest AS
SELECT t.* FROM finra_otc_transparency_weekly_symbol_venue_share t JOIN core_captures_latest l ON l.capture_id = t.capture_id;

CREATE VIEW finra_otc_transparency_weekly_symbol_venue_concentration_hhi_latest AS
SELECT t.* FROM finra_otc_transparency_weekly_symbol_venue_concentration_hhi t
JOIN core_captures_latest l ON l.capture_id = t.capture_id;

CREATE VIEW finra_otc_transparency_weekly_symbol_tier_volume_share_latest AS
SELECT t.* FROM finra_otc_transparency_weekly_symbol_tier_volume_share t
JOIN core_captures_latest l ON l.capture_id = t.capture_id;
