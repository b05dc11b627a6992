-- 050 leases and fencing (docs/temporal.md "Leases, fencing and liveness").
-- owner: JSON {host, pid, boot, kind, identity} of the process working on the execution.
-- lease_expires_at: renewed while it works; an expired lease with a dead owner reads as `abandoned`.
-- fence: bumped by every stage attempt; writes that publish or delete check it inside their transaction,
--   so a stale attempt (timed out, taken over) can never commit after a newer one started.
-- cancel_requested_at: `spine executions cancel` on a sync run; the owner stops at its next step.
ALTER TABLE core_executions ADD COLUMN owner TEXT;
ALTER TABLE core_executions ADD COLUMN lease_expires_at TEXT;
ALTER TABLE core_executions ADD COLUMN fence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE core_executions ADD COLUMN cancel_requested_at TEXT;

-- The claim: at most one pending/running execution per logical key is looked up by this index.
CREATE INDEX idx_core_executions_active_key ON core_executions (logical_key, status)
  WHERE logical_key IS NOT NULL AND status IN ('pending', 'running');

-- gc records which execution deleted a capture and how many rows, so a retried gc reports what an
-- earlier attempt of it already did.
ALTER TABLE core_captures ADD COLUMN deleted_by_execution TEXT;
ALTER TABLE core_captures ADD COLUMN deleted_rows TEXT;
