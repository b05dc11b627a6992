-- 032 dead letters: executions whose retries were exhausted. One row per (execution, stage);
-- replay submits the same params as a new execution linked through replayed_execution_id.

CREATE TABLE core_dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  execution_id TEXT NOT NULL,
  pipeline TEXT NOT NULL,
  stage TEXT NOT NULL,
  params TEXT NOT NULL,
  error_type TEXT NOT NULL,
  error_message TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  first_failure_at TEXT NOT NULL,
  last_failure_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'replayed', 'discarded')),
  replayed_execution_id TEXT,
  resolved_at TEXT,
  UNIQUE (execution_id, stage)
);
CREATE INDEX idx_core_dead_letters_status ON core_dead_letters (status, last_failure_at);
