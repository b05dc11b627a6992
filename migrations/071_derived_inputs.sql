-- 071 derived inputs (issue 13, revision-aware recompute). One row per (derived dataset of a capture,
-- input capture it was computed from): a capture's rolling_6w rows read the symbol summaries of every
-- week in the window, its tier_volume_share rows the other tiers' captures of the week. A derived
-- dataset is stale when one of its inputs is no longer the latest published capture of its (week, tier)
-- (src/domains/otc/revisions/stale.ts). Rows belong to `capture_id` and go with it (replace, gc).
CREATE TABLE core_derived_inputs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  capture_id TEXT NOT NULL,
  dataset TEXT NOT NULL,
  input_capture_id TEXT NOT NULL,
  input_week_ending TEXT NOT NULL,
  input_tier TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (capture_id, dataset, input_capture_id)
);
CREATE INDEX idx_core_derived_inputs_input ON core_derived_inputs (input_capture_id);

-- A capture made by a recompute carries the source rows of an earlier capture of its (week, tier) and
-- recomputes only the derived datasets that went stale; base_capture_id names the capture whose source
-- rows (as ingested) it carries. NULL for every capture made from a file or the API. Two captures with the
-- same base hold the same source data, so replacing one by the other makes nothing downstream stale.
ALTER TABLE core_captures ADD COLUMN base_capture_id TEXT;
