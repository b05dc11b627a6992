-- 001 core: executions, work manifest, rejects, quality, anomalies and the captures registry.
-- Timestamps are UTC ISO-8601 text. JSON columns hold compact JSON text.

CREATE TABLE core_executions (
  id TEXT PRIMARY KEY,
  pipeline TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  lane TEXT NOT NULL DEFAULT 'normal' CHECK (lane IN ('normal', 'backfill', 'slow', 'background')),
  backend TEXT NOT NULL DEFAULT 'sync',
  trigger_source TEXT NOT NULL DEFAULT 'cli' CHECK (trigger_source IN ('cli', 'api', 'scheduler', 'retry', 'manual')),
  logical_key TEXT,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  parent_execution_id TEXT REFERENCES core_executions(id) ON DELETE SET NULL,
  batch_id TEXT,
  workflow_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT,
  error_code TEXT,
  error_message TEXT,
  error_stage TEXT,
  result TEXT
);
CREATE INDEX idx_core_executions_status_created ON core_executions (status, created_at);
CREATE INDEX idx_core_executions_pipeline_created ON core_executions (pipeline, created_at);
CREATE INDEX idx_core_executions_created ON core_executions (created_at);
CREATE INDEX idx_core_executions_parent ON core_executions (parent_execution_id) WHERE parent_execution_id IS NOT NULL;
CREATE INDEX idx_core_executions_logical_key ON core_executions (logical_key) WHERE logical_key IS NOT NULL;

-- Current state of each stage per partition (not an event log). partition_key is JSON with sorted keys.
CREATE TABLE core_manifest (
  domain TEXT NOT NULL,
  partition_key TEXT NOT NULL,
  stage TEXT NOT NULL,
  stage_rank INTEGER NOT NULL,
  row_count INTEGER,
  metrics_json TEXT,
  capture_id TEXT,
  execution_id TEXT,
  batch_id TEXT,
  updated_at TEXT NOT NULL,
  UNIQUE (domain, partition_key, stage)
);
CREATE INDEX idx_core_manifest_partition ON core_manifest (domain, partition_key);
CREATE INDEX idx_core_manifest_stage ON core_manifest (domain, stage);
CREATE INDEX idx_core_manifest_updated ON core_manifest (updated_at);

-- One row per rejected input record: names the file (source_locator), line and rule (reason_code).
CREATE TABLE core_rejects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL,
  partition_key TEXT NOT NULL,
  stage TEXT NOT NULL,
  reason_code TEXT NOT NULL,
  reason_detail TEXT,
  raw_json TEXT,
  record_key TEXT,
  source_locator TEXT,
  line_number INTEGER,
  capture_id TEXT,
  execution_id TEXT NOT NULL,
  batch_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_core_rejects_partition ON core_rejects (domain, partition_key);
CREATE INDEX idx_core_rejects_capture ON core_rejects (capture_id);
CREATE INDEX idx_core_rejects_execution ON core_rejects (execution_id);

CREATE TABLE core_quality (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL,
  partition_key TEXT NOT NULL,
  capture_id TEXT,
  check_name TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('INTEGRITY', 'COMPLETENESS', 'BUSINESS_RULE')),
  status TEXT NOT NULL CHECK (status IN ('PASS', 'WARN', 'FAIL')),
  message TEXT,
  actual_value TEXT,
  expected_value TEXT,
  details_json TEXT,
  execution_id TEXT NOT NULL,
  batch_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_core_quality_partition ON core_quality (domain, partition_key);
CREATE INDEX idx_core_quality_capture ON core_quality (capture_id);

CREATE TABLE core_anomalies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL,
  pipeline TEXT,
  partition_key TEXT,
  stage TEXT,
  severity TEXT NOT NULL CHECK (severity IN ('INFO', 'WARN', 'ERROR', 'CRITICAL')),
  category TEXT NOT NULL,
  message TEXT NOT NULL,
  details_json TEXT,
  affected_records INTEGER,
  sample_records TEXT,
  execution_id TEXT,
  batch_id TEXT,
  capture_id TEXT,
  detected_at TEXT NOT NULL,
  resolved_at TEXT,
  resolution_note TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_core_anomalies_partition ON core_anomalies (domain, partition_key);
CREATE INDEX idx_core_anomalies_severity ON core_anomalies (severity);
CREATE INDEX idx_core_anomalies_detected ON core_anomalies (detected_at);
CREATE INDEX idx_core_anomalies_unresolved ON core_anomalies (resolved_at) WHERE resolved_at IS NULL;

-- The captures registry. A capture's rows are visible to readers only once its status is 'published';
-- staging rows first and flipping the status in one transaction is what makes a capture atomic.
CREATE TABLE core_captures (
  capture_id TEXT PRIMARY KEY,
  domain TEXT NOT NULL,
  week_ending TEXT NOT NULL,
  tier TEXT NOT NULL,
  captured_at TEXT NOT NULL,
  source_last_update_date TEXT,
  source TEXT,
  status TEXT NOT NULL DEFAULT 'staged' CHECK (status IN ('staged', 'published', 'superseded', 'deleted', 'failed')),
  row_counts TEXT NOT NULL DEFAULT '{}',
  content_hash TEXT,
  execution_id TEXT NOT NULL,
  batch_id TEXT,
  quality_status TEXT,
  status_reason TEXT,
  created_at TEXT NOT NULL,
  published_at TEXT,
  superseded_by TEXT,
  deleted_at TEXT
);
CREATE INDEX idx_core_captures_partition ON core_captures (domain, week_ending, tier, status, captured_at DESC);
CREATE INDEX idx_core_captures_execution ON core_captures (execution_id);
CREATE INDEX idx_core_captures_status ON core_captures (status, captured_at);
