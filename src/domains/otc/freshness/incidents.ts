/**
 * Late and recovered data as FRESHNESS anomalies (docs/autopilot.md, "Alerts"). A week with no published
 * capture past its grace opens one incident; its arrival resolves it. Both happen in one IMMEDIATE
 * transaction guarded by the unique index of migration 070 (one open FRESHNESS row per partition), so
 * of two checks running at once exactly one opens (or resolves) a given incident and only that one
 * reports it: the caller alerts on what this returns, never twice for the same transition.
 */
import { formatUtc } from '../../../core/clock.js';
import type { Clock } from '../../../core/clock.js';
import type { Db } from '../../../core/db/open-database.js';
import { partitionKey } from '../../../core/manifest/work-manifest.js';
import { isMissingPastGrace, weekFlags } from '../calculations/freshness.js';
import type { WeekFacts } from '../calculations/freshness.js';
import { OTC_DOMAIN } from '../constants.js';
import type { Tier } from '../tiers.js';
import { capturesAsOf } from './facts.js';

export const FRESHNESS_CATEGORY = 'FRESHNESS';

export interface LateIncident {
  readonly anomaly_id: number;
  readonly tier: Tier;
  readonly week_ending: string;
  readonly due_date: string;
  readonly late_at: string;
  /** Why the week is missing: no capture yet, the last run failed, or FINRA's API was unavailable. */
  readonly reason: 'no_capture' | 'failed' | 'source_unavailable';
  readonly execution_id: string | null;
  readonly error_code: string | null;
}

export interface RecoveredIncident {
  readonly anomaly_id: number;
  readonly tier: Tier;
  readonly week_ending: string;
  readonly late_since: string;
  readonly capture_id: string;
  readonly captured_at: string;
}

export interface IncidentChanges {
  readonly opened: readonly LateIncident[];
  readonly recovered: readonly RecoveredIncident[];
}

interface OpenRow {
  readonly id: number;
  readonly partition_key: string;
  readonly detected_at: string;
}

function reasonOf(f: WeekFacts, now: Date): LateIncident['reason'] {
  const flags = weekFlags(f, now);
  if (flags.includes('failed')) return 'failed';
  if (flags.includes('source_problem')) return 'source_unavailable';
  return 'no_capture';
}

/**
 * Opens an incident for every week of `weeks` missing past its grace and resolves every open incident
 * (of `tiers`, in or out of the window) whose week now has a published capture, as of `now`.
 */
export function recordFreshness(
  db: Db,
  clock: Clock,
  now: Date,
  tiers: readonly Tier[],
  weeks: ReadonlyMap<string, { readonly tier: Tier; readonly facts: WeekFacts }>,
): IncidentChanges {
  const opened: LateIncident[] = [];
  const recovered: RecoveredIncident[] = [];
  const detectedAt = now.toISOString();
  const insert = db.prepare(
    `INSERT OR IGNORE INTO core_anomalies (domain, pipeline, partition_key, stage, severity, category, message,
       details_json, execution_id, detected_at, created_at)
     VALUES (?, NULL, ?, NULL, 'ERROR', ?, ?, ?, ?, ?, ?)`,
  );
  const resolve = db.prepare(
    `UPDATE core_anomalies SET resolved_at = ?, resolution_note = ?, capture_id = ?
     WHERE id = ? AND resolved_at IS NULL`,
  );
  db.transaction(() => {
    for (const { tier, facts } of weeks.values()) {
      if (!isMissingPastGrace(facts, now)) continue;
      const week = facts.due.week_ending;
      // Re-read inside the transaction: a capture published since the facts were read is not late.
      if (capturesAsOf(db, tier, [week], now).get(week)?.latest) continue;
      const reason = reasonOf(facts, now);
      const run = facts.lastRun;
      const failed = run?.status === 'failed';
      const details = {
        tier,
        week_ending: week,
        due_date: facts.due.due_date,
        late_at: facts.due.late_at,
        reason,
        execution_id: failed ? run.execution_id : null,
        error_code: failed ? run.error_code : null,
      };
      const res = insert.run(
        OTC_DOMAIN,
        partitionKey({ tier, week_ending: week }),
        FRESHNESS_CATEGORY,
        `Week ${week} of ${tier} is late: due ${facts.due.due_date}, no published capture by ${facts.due.late_at}` +
          (reason === 'no_capture' ? '' : ` (${reason}${details.error_code ? ` ${details.error_code}` : ''})`),
        JSON.stringify(details),
        details.execution_id,
        detectedAt,
        formatUtc(clock.now()),
      );
      if (res.changes === 1) opened.push({ anomaly_id: Number(res.lastInsertRowid), ...details });
    }
    const open = db
      .prepare(
        `SELECT id, partition_key, detected_at FROM core_anomalies
         WHERE domain = ? AND category = ? AND resolved_at IS NULL ORDER BY id`,
      )
      .all(OTC_DOMAIN, FRESHNESS_CATEGORY) as OpenRow[];
    for (const row of open) {
      const key = JSON.parse(row.partition_key) as { tier: Tier; week_ending: string };
      if (!tiers.includes(key.tier)) continue;
      const capture = capturesAsOf(db, key.tier, [key.week_ending], now).get(key.week_ending)?.latest;
      if (!capture) continue;
      const note = `arrived: capture ${capture.capture_id} captured_at ${capture.captured_at}`;
      if (resolve.run(detectedAt, note, capture.capture_id, row.id).changes === 1) {
        recovered.push({
          anomaly_id: row.id,
          tier: key.tier,
          week_ending: key.week_ending,
          late_since: row.detected_at,
          capture_id: capture.capture_id,
          captured_at: capture.captured_at,
        });
      }
    }
  }).immediate();
  return { opened, recovered };
}
