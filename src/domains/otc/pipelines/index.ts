import type { JsonObject, PipelineState } from '../../../contracts/execution.js';
import { BadParamsError } from '../../../core/errors.js';
import type { Params } from '../../../core/pipeline/params.js';
import type { PipelineRegistry } from '../../../core/pipeline/registry.js';
import type { PipelineDefinition, StageDefinition } from '../../../core/pipeline/types.js';
import { OTC_DOMAIN } from '../constants.js';
import type * as Stages from '../stages/index.js';
import { backfillPipeline } from './backfill.js';
import { P } from './params.js';
import { syncPipeline } from './sync.js';
import { canonicalFileParams, weekPartitionKey } from './partition.js';

const N = (s: string): string => `${OTC_DOMAIN}.${s}`;

// Stage code loads on first use, so listing or describing pipelines stays cheap (CLI start-up time).
const stages = (): Promise<typeof Stages> => import('../stages/index.js');

const standalone = { standalone: true } as const;
const inPipeline = { standalone: false } as const;

const stage = (
  name: string,
  description: string,
  run: StageDefinition['run'],
  retryClass?: StageDefinition['retryClass'],
): StageDefinition => ({
  name,
  description,
  run,
  ...(retryClass ? { retryClass } : {}),
});

function requireSource(params: Params): void {
  if (params['source'] === 'api') {
    const missing = ['tier', 'week_ending'].filter((k) => params[k] === undefined);
    if (missing.length > 0) throw new BadParamsError(missing, {});
  } else if (params['file_path'] === undefined) {
    throw new BadParamsError(['file_path'], {});
  }
}

/** What `spine run` prints for the week pipeline: capture, counts, symbols, top venues, quality. */
function summarizeWeek(s: PipelineState): PipelineState {
  const pick = (k: string): JsonObject => (s[k] === undefined ? {} : { [k]: s[k] ?? null });
  if (s['published'] !== true)
    return {
      ...pick('week_ending'),
      ...pick('tier'),
      ...pick('capture_id'),
      skipped: true,
      reason: 'already published; use --force or --replace-capture',
    };
  const rejected = Number(s['ingest_rejects'] ?? 0) + Number(s['normalize_rejects'] ?? 0);
  return {
    ...pick('week_ending'),
    ...pick('tier'),
    ...pick('capture_id'),
    ...pick('captured_at'),
    ...pick('source_file'),
    ...pick('rows_in'),
    ...pick('accepted'),
    rejected,
    ...pick('duplicates_dropped'),
    ...pick('symbols'),
    ...pick('venues'),
    ...pick('mean_hhi'),
    ...pick('quality'),
    ...pick('warnings'),
    ...pick('replaced_capture'),
    ...pick('top_venues'),
    ...pick('recomputed'),
  };
}

const recomputeStage = stage(
  'recompute',
  'Recompute, as new captures, the derived data this capture made stale (rolling W..W+5, cross-tier shares)',
  async (ctx) => (await stages()).recomputeRevisionStage(ctx),
  'db',
);

/** What `spine run …recompute_revision` prints: the partitions recomputed, why, and what was checked. */
function summarizeRecompute(s: PipelineState): PipelineState {
  const recomputed = (s['recomputed'] ?? []) as JsonObject[];
  return {
    week_ending: s['week_ending'] ?? null,
    tier: s['tier'] ?? null,
    recomputed_count: recomputed.length,
    recomputed,
    checked: s['recompute_checked'] ?? null,
  };
}

export const weekPipeline: PipelineDefinition = {
  name: N('week'),
  description:
    'Everyday job for one (week, tier): ingest → normalize → aggregate → venue share → calcs → rolling → quality gate → publish → recompute what a revision made stale',
  domain: OTC_DOMAIN,
  params: [P.file, P.week, P.tier, P.fileDate, P.source, P.summaryType, P.force, P.replace, P.expectLatest],
  validate: requireSource,
  canonicalize: canonicalFileParams,
  logicalKey: weekPartitionKey,
  summarize: summarizeWeek,
  examples: [
    'spine run finra.otc_transparency.week --file data/samples/finra_otc_weekly_otc_20251215.csv',
    'spine run finra.otc_transparency.week --file data/samples/finra_otc_weekly_otc_20251215.csv --force            # a new capture beside the old one',
    'spine run finra.otc_transparency.week --file data/samples/finra_otc_weekly_otc_20251215.csv --replace-capture  # replace the latest capture',
  ],
  stages: [
    stage(
      'ingest',
      'Stream the file into a staged capture; rejects per row',
      async (ctx) => (await stages()).ingestStage(ctx, { publish: false }),
      'io',
    ),
    stage('normalize', 'Validate rows into venue_volume', async (ctx) =>
      (await stages()).normalizeStage(ctx, inPipeline),
    ),
    stage('aggregate', 'Symbol summary', async (ctx) => (await stages()).aggregateStage(ctx, inPipeline)),
    stage('venue_share', 'Venue market share across symbols', async (ctx) => (await stages()).venueShareStage(ctx)),
    stage('symbol_venue_calcs', 'Per-symbol venue volume, share, HHI, tier share', async (ctx) =>
      (await stages()).symbolVenueCalcsStage(ctx),
    ),
    stage('rolling', '6-week rolling statistics', async (ctx) => (await stages()).rollingStage(ctx, inPipeline)),
    stage('publish', 'Quality gate, then publish the capture atomically', async (ctx) =>
      (await stages()).qualityGateAndPublishStage(ctx),
    ),
    recomputeStage,
  ],
};

const single = (
  name: string,
  description: string,
  st: StageDefinition,
  params: PipelineDefinition['params'],
): PipelineDefinition => ({
  name: N(name),
  description,
  domain: OTC_DOMAIN,
  params,
  stages: [st],
  canonicalize: canonicalFileParams,
  logicalKey: weekPartitionKey,
});

export const otcPipelines: readonly PipelineDefinition[] = [
  weekPipeline,
  {
    ...single(
      'ingest_week',
      'Ingest one weekly file (or API week) as a new published raw capture',
      stage(
        'ingest',
        'Stream rows into raw and publish',
        async (ctx) => (await stages()).ingestStage(ctx, { publish: true }),
        'io',
      ),
      [P.file, P.week, P.tier, P.fileDate, P.source, P.summaryType, P.force, P.replace],
    ),
    validate: requireSource,
  },
  single(
    'normalize_week',
    'Validate raw rows into venue_volume (rejects to core_rejects)',
    stage('normalize', 'Validate rows', async (ctx) => (await stages()).normalizeStage(ctx, standalone)),
    [P.weekRequired, P.tierRequired, P.captureId, P.force],
  ),
  single(
    'aggregate_week',
    'Symbol summary from venue_volume',
    stage('aggregate', 'Symbol summary', async (ctx) => (await stages()).aggregateStage(ctx, standalone)),
    [P.weekRequired, P.tierRequired, P.captureId, P.force],
  ),
  single(
    'compute_venue_share',
    'Venue market share for one week and tier (always recomputes)',
    stage('venue_share', 'Venue share', async (ctx) => (await stages()).venueShareStage(ctx)),
    [P.weekRequired, P.tierRequired, P.captureId, P.force],
  ),
  single(
    'compute_symbol_venue_calcs',
    'Per-symbol venue volume and share, HHI, tier share',
    stage('symbol_venue_calcs', 'Calcs', async (ctx) => (await stages()).symbolVenueCalcsStage(ctx)),
    [P.weekRequired, P.tierRequired, P.captureId, P.force],
  ),
  single(
    'compute_rolling',
    '6-week rolling statistics for one week and tier',
    stage('rolling', 'Rolling', async (ctx) => (await stages()).rollingStage(ctx, standalone)),
    [
      P.weekRequired,
      P.tierRequired,
      P.captureId,
      P.force,
      { name: 'window_weeks', type: 'int', min: 2, default: 6, description: 'Window size in weeks' },
    ],
  ),
  backfillPipeline,
  {
    name: N('recompute_revision'),
    description:
      'Recompute, as new captures, derived data whose input capture was superseded (of one revised week/tier, or all stale)',
    domain: OTC_DOMAIN,
    params: [
      { ...P.week, description: 'The revised week (a Friday); with tier, only what its revision touches' },
      { ...P.tier, description: 'The revised tier; alone, everything stale of that tier' },
    ],
    stages: [recomputeStage],
    summarize: (s) => summarizeRecompute(s),
    examples: [
      'spine run finra.otc_transparency.recompute_revision --week 2025-12-12 --tier OTC',
      'spine run finra.otc_transparency.recompute_revision            # everything stale',
    ],
  },
  syncPipeline,
];

export function registerOtcPipelines(registry: PipelineRegistry): PipelineRegistry {
  for (const p of otcPipelines) registry.register(p);
  return registry;
}
