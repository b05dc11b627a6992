/**
 * `core_source_checks` (migration 072): one row per (week, tier) a sync run asked the API about. This is
 * the cheap record of "checked, unchanged" (no capture is made for it) and the resume point of a run:
 * a retried check stage skips the weeks its earlier attempts already decided.
 */
import { formatUtc } from '../../../core/clock.js';
import type { Db } from '../../../core/db/open-database.js';
import { OTC_DOMAIN } from '../constants.js';

/** `changed` is transient: the content differs and a week run was asked to publish it (then `published`). */
export type CheckOutcome = 'unchanged' | 'changed' | 'published' | 'absent' | 'failed';

export interface SourceCheck {
  readonly id: number;
  readonly week_ending: string;
  readonly tier: string;
  readonly source: string;
  readonly checked_at: string;
  readonly outcome: CheckOutcome;
  readonly reason: string | null;
  readonly content_hash: string | null;
  readonly source_last_update_date: string | null;
  readonly rows: number | null;
  readonly requests: number;
  readonly latest_capture_id: string | null;
  readonly capture_id: string | null;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly execution_id: string;
}

/** A check as a sync result reports it (per tier and week). */
export interface SyncWeekRow {
  readonly tier: string;
  readonly week_ending: string;
  readonly outcome: CheckOutcome;
  readonly reason: string | null;
  readonly capture_id: string | null;
  readonly previous_capture_id: string | null;
  readonly source_last_update_date: string | null;
  readonly rows: number | null;
  readonly requests: number;
  readonly error_code: string | null;
  readonly error: string | null;
}

export function toSyncWeekRow(c: SourceCheck): SyncWeekRow {
  return {
    tier: c.tier,
    week_ending: c.week_ending,
    outcome: c.outcome,
    reason: c.reason,
    capture_id: c.capture_id,
    previous_capture_id: c.latest_capture_id,
    source_last_update_date: c.source_last_update_date,
    rows: c.rows,
    requests: c.requests,
    error_code: c.error_code,
    error: c.error_message,
  };
}

export interface NewSourceCheck {
  readonly weekEnding: string;
  readonly tier: string;
  readonly source: string;
  readonly outcome: CheckOutcome;
  readonly reason?: string | null;
  readonly contentHash?: string | null;
  readonly sourceLastUpdateDate?: string | null;
  readonly rows?: number | null;
  readonly requests: number;
  readonly latestCaptureId?: string | null;
  readonly errorCode?: string | null;
  readonly errorMessage?: string | null;
}

export class SourceChecks {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  record(c: NewSourceCheck, at: Date, executionId: string, batchId: string): void {
    this.#db
      .prepare(
        `INSERT INTO core_source_checks (domain, week_ending, tier, source, checked_at, outcome, reason, content_hash,
           source_last_update_date, rows, requests, latest_capture_id, error_code, error_message, execution_id, batch_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        OTC_DOMAIN,
        c.weekEnding,
        c.tier,
        c.source,
        formatUtc(at),
        c.outcome,
        c.reason ?? null,
        c.contentHash ?? null,
        c.sourceLastUpdateDate ?? null,
        c.rows ?? null,
        c.requests,
        c.latestCaptureId ?? null,
        c.errorCode ?? null,
        c.errorMessage ?? null,
        executionId,
        batchId,
      );
  }

  /** The checks one execution recorded, oldest first. */
  ofExecution(executionId: string): SourceCheck[] {
    return this.#db
      .prepare(`SELECT * FROM core_source_checks WHERE execution_id = ? ORDER BY id`)
      .all(executionId) as SourceCheck[];
  }

  /** The per-week result of one sync execution, by tier then week. */
  resultOf(executionId: string): SyncWeekRow[] {
    return this.ofExecution(executionId)
      .map(toSyncWeekRow)
      .sort((a, b) => a.tier.localeCompare(b.tier) || a.week_ending.localeCompare(b.week_ending));
  }

  /** A `changed` check settled by its week run: published (with the capture) or failed (with why). */
  settle(
    id: number,
    outcome: 'published' | 'failed' | 'unchanged',
    fields: {
      captureId?: string | null;
      reason?: string | null;
      errorCode?: string | null;
      errorMessage?: string | null;
    },
  ): void {
    this.#db
      .prepare(
        `UPDATE core_source_checks SET outcome = ?, capture_id = ?, reason = COALESCE(?, reason), error_code = ?,
           error_message = ? WHERE id = ?`,
      )
      .run(
        outcome,
        fields.captureId ?? null,
        fields.reason ?? null,
        fields.errorCode ?? null,
        fields.errorMessage ?? null,
        id,
      );
  }

  /** Every check of a partition, newest first (what `spine status` and tests read). */
  ofWeek(weekEnding: string, tier: string): SourceCheck[] {
    return this.#db
      .prepare(
        `SELECT * FROM core_source_checks WHERE domain = ? AND week_ending = ? AND tier = ? ORDER BY checked_at DESC, id DESC`,
      )
      .all(OTC_DOMAIN, weekEnding, tier) as SourceCheck[];
  }
}
