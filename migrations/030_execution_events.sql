-- 030 execution events: an append-only log of every lifecycle transition, for both backends.
-- idempotency_key makes a retried write (a Temporal activity retry, a re-sent mirror) a no-op.

CREATE TABLE core_execution_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  execution_id TEXT NOT NULL,
  event_type TEXT NOT NULL CHECK (event_type IN (
    'submitted', 'started', 'stage_started', 'progress', 'stage_completed', 'stage_skipped',
    'retrying', 'failed', 'dead_lettered', 'completed', 'cancelled')),
  at TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 1,
  stage TEXT,
  step TEXT,
  status TEXT,
  payload TEXT NOT NULL DEFAULT '{}',
  error_type TEXT,
  error_message TEXT,
  error_stack TEXT,
  rows_in INTEGER,
  rows_out INTEGER,
  capture_id TEXT,
  idempotency_key TEXT NOT NULL UNIQUE
);
CREATE INDEX idx_core_execution_events_execution ON core_execution_events (execution_id, id);
CREATE INDEX idx_core_execution_events_type_at ON core_execution_events (event_type, at);
CREATE INDEX idx_core_execution_events_status_at ON core_execution_events (status, at);
