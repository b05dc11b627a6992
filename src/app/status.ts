/**
 * `spine status` as a service: compute every tier's freshness as of an instant and, when asked, record
 * the late and recovered incidents and fire the alert hooks for the ones this process recorded
 * (docs/autopilot.md, "spine status" and "Alerts").
 */
import { alertConfigFromEnv, fireAlert } from '../core/alerts/alert-hooks.js';
import type { AlertConfig } from '../core/alerts/alert-hooks.js';
import { OTC_DOMAIN } from '../domains/otc/constants.js';
import { recordFreshness } from '../domains/otc/freshness/incidents.js';
import type { IncidentChanges } from '../domains/otc/freshness/incidents.js';
import { computeStatus } from '../domains/otc/freshness/status.js';
import type { StatusOptions, StatusReport } from '../domains/otc/freshness/status.js';
import type { Spine } from './spine.js';

export interface StatusRunOptions extends StatusOptions {
  /** Record late/recovered incidents and alert on them. */
  readonly record: boolean;
  readonly alerts?: AlertConfig;
}

export interface StatusResult extends StatusReport {
  /** Whether this check recorded incidents (`--record`); null changes when it did not. */
  readonly recorded: boolean;
  /** Incidents this process opened or resolved (another process may have recorded the rest). */
  readonly incidents: IncidentChanges | null;
}

export async function runStatus(spine: Spine, options: StatusRunOptions): Promise<StatusResult> {
  const { report, facts } = computeStatus(spine.db, options);
  if (!options.record) return { ...report, recorded: false, incidents: null };
  const tiers = report.tiers.map((t) => t.tier);
  const changes = recordFreshness(spine.db, spine.clock, options.now, tiers, facts);
  const config = options.alerts ?? alertConfigFromEnv();
  const at = options.now.toISOString();
  if (changes.opened.length > 0) {
    await fireAlert(spine.log, config, {
      kind: 'freshness_late',
      weeks: changes.opened.map((w) => ({ domain: OTC_DOMAIN, ...w })),
      at,
    });
  }
  if (changes.recovered.length > 0) {
    await fireAlert(spine.log, config, {
      kind: 'freshness_recovered',
      weeks: changes.recovered.map((w) => ({ domain: OTC_DOMAIN, ...w })),
      at,
    });
  }
  return { ...report, recorded: true, incidents: changes };
}
