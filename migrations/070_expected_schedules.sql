-- 070 expected schedules: when each (domain, tier) week is due, as data (docs/autopilot.md,
-- "Publication calendar"). Due date of week W = the first trading day of `exchange_code` on or after
-- W + 7 × lag_weeks; a week with no published capture is late from (due date + 1 day) 00:00 UTC +
-- grace_hours. Edit without a code change, e.g.:
--   UPDATE core_expected_schedules SET grace_hours = 72, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
--   WHERE domain = 'finra.otc_transparency' AND tier = 'OTC';
-- enabled = 0 takes a tier out of `spine status` (and of sync's "due" weeks).

CREATE TABLE core_expected_schedules (
  domain TEXT NOT NULL,
  tier TEXT NOT NULL,
  lag_weeks INTEGER NOT NULL CHECK (lag_weeks >= 0 AND lag_weeks <= 52),
  grace_hours INTEGER NOT NULL DEFAULT 24 CHECK (grace_hours >= 0),
  exchange_code TEXT NOT NULL DEFAULT 'XNYS',
  cadence TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (domain, tier)
);

-- domain-spec §1: two weeks for NMS Tier 1, four for NMS Tier 2 and OTC.
INSERT INTO core_expected_schedules (domain, tier, lag_weeks, grace_hours, exchange_code, cadence, updated_at) VALUES
  ('finra.otc_transparency', 'NMS_TIER_1', 2, 24, 'XNYS', 'weekly; week ending Friday W is published 2 weeks later', '2026-11-30T00:00:00.000Z'),
  ('finra.otc_transparency', 'NMS_TIER_2', 4, 24, 'XNYS', 'weekly; week ending Friday W is published 4 weeks later', '2026-11-30T00:00:00.000Z'),
  ('finra.otc_transparency', 'OTC', 4, 24, 'XNYS', 'weekly; week ending Friday W is published 4 weeks later', '2026-11-30T00:00:00.000Z');

-- Freshness incidents are FRESHNESS rows of core_anomalies. At most one open (unresolved) incident per
-- (domain, partition, category): two `spine status` processes checking at once cannot both open one,
-- so the alert for a week that became late fires once; the recovery is the UPDATE that resolves it.
CREATE UNIQUE INDEX uq_core_anomalies_open_freshness ON core_anomalies (domain, partition_key, category)
  WHERE category = 'FRESHNESS' AND resolved_at IS NULL;
