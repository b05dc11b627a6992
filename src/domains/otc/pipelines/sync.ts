import type { PipelineDefinition } from '../../../core/pipeline/types.js';
import { BadParamsError } from '../../../core/errors.js';
import { OTC_DOMAIN } from '../constants.js';
import { normalizeTier, TIERS } from '../tiers.js';

/**
 * `spine sync` (docs/autopilot.md "spine sync"): keep the mirror current from the FINRA Query API. Per
 * tier, the due weeks without a capture plus the newest `revision_window` weeks are fetched, compared
 * with the latest capture (content hash and lastUpdateDate), and only a changed week is published, by a
 * child week pipeline run (source=api), so the normal publish path runs. An unchanged week is recorded in
 * core_source_checks only. One sync per tier at a time (logical key `sync:TIER`, or `sync:ALL`).
 */
export const syncPipeline: PipelineDefinition = {
  name: `${OTC_DOMAIN}.sync`,
  description:
    'Fetch due and recently revisable weeks from the FINRA Query API; publish a capture only for a week that changed',
  domain: OTC_DOMAIN,
  params: [
    {
      name: 'tier',
      type: 'enum',
      choices: TIERS,
      normalize: normalizeTier,
      description: 'One tier (aliases otc, tier1, tier2 …); default all three',
    },
    {
      name: 'from_week',
      type: 'date',
      friday: true,
      description: 'Fill history from this week (a Friday) to the newest due week; resumable',
    },
    {
      name: 'lookback_weeks',
      type: 'int',
      min: 1,
      default: 12,
      description: 'Without from_week: how many due weeks back to look for absent weeks',
    },
    {
      name: 'revision_window',
      type: 'int',
      min: 0,
      description:
        'Newest due weeks re-checked for revisions even when captured (default $SPINE_SYNC_REVISION_WINDOW or 4)',
    },
    { name: 'concurrency', type: 'int', min: 1, default: 4, description: 'Weeks fetched at a time (1-16)' },
    { name: 'as_of', type: 'date', description: "Today for the publication calendar (default: the clock's date, UTC)" },
  ],
  validate: (p) => {
    if (typeof p['concurrency'] === 'number' && p['concurrency'] > 16)
      throw new BadParamsError([], { concurrency: `must be <= 16, got ${p['concurrency']}` });
    if (p['from_week'] !== undefined && p['as_of'] !== undefined && String(p['from_week']) > String(p['as_of']))
      throw new BadParamsError([], { from_week: 'must not be after as_of' });
  },
  // Week runs publish oldest first, one at a time, as on the sync backend: a week's quality checks and
  // rolling window read the weeks before it, so the order must not depend on the backend.
  maxChildConcurrency: 1,
  logicalKey: (p) => `sync:${typeof p['tier'] === 'string' ? p['tier'] : 'ALL'}`,
  summarize: (s) => ({
    as_of: s['as_of'] ?? null,
    plans: s['plans'] ?? [],
    counts: s['counts'] ?? {},
    weeks: s['weeks'] ?? [],
  }),
  examples: [
    'spine run finra.otc_transparency.sync tier=otc lookback_weeks=2',
    'spine run finra.otc_transparency.sync tier=tier2 revision_window=8 concurrency=2',
  ],
  stages: [
    {
      name: 'check',
      description: 'Ask the API about each planned week; record unchanged ones; fan out a week run per changed one',
      retryClass: 'io',
      run: async (ctx) => (await import('../sync/check-stage.js')).syncCheckStage(ctx, 'check'),
    },
    {
      name: 'recheck',
      description:
        'Ask again about the weeks the API was unavailable for; SOURCE_UNAVAILABLE (retried with back-off) while it still is',
      retryClass: 'io',
      run: async (ctx) => (await import('../sync/check-stage.js')).syncCheckStage(ctx, 'recheck'),
    },
    {
      name: 'report',
      description: 'Settle each changed week with its run (published capture or failure); per-week result',
      run: async (ctx) => (await import('../sync/report-stage.js')).syncReportStage(ctx),
    },
  ],
};
