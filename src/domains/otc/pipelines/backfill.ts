import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildOutcome, ChildRequest, JsonObject } from '../../../contracts/execution.js';
import { todayUtc } from '../../../core/clock.js';
import { addDays, formatCompactDate } from '../../../core/dates.js';
import { BadParamsError, ErrorCodes, SpineError } from '../../../core/errors.js';
import type { Params } from '../../../core/pipeline/params.js';
import type { PipelineDefinition, StageContext } from '../../../core/pipeline/types.js';
import { assertFriday, lastNWeeks, weekRange } from '../../../core/week-ending.js';
import { OTC_DOMAIN } from '../constants.js';
import { otcCaptures } from '../stages/otc-stage-context.js';
import { tierFileToken } from '../tiers.js';
import type { Tier } from '../tiers.js';
import { P } from './params.js';

export const DEFAULT_FILE_PATTERN = 'finra_otc_weekly_{tier_token}_{pub_yyyymmdd}.csv';

/**
 * The file a week is expected in. Placeholders: {week} (the Friday, ISO), {week_yyyymmdd}, {pub} and
 * {pub_yyyymmdd} (the Monday after the week — FINRA's file date), {tier_token} (otc, tier1, tier2).
 */
export function fileForWeek(pattern: string, week: string, tier: Tier): string {
  const pub = addDays(week, 3);
  return pattern
    .replaceAll('{week}', week)
    .replaceAll('{week_yyyymmdd}', formatCompactDate(week))
    .replaceAll('{pub}', pub)
    .replaceAll('{pub_yyyymmdd}', formatCompactDate(pub))
    .replaceAll('{tier_token}', tierFileToken(tier));
}

function weeksOf(params: Params, today: string): string[] {
  const from = params['from_week'] as string | undefined;
  const to = params['to_week'] as string | undefined;
  if (from && to) return weekRange(assertFriday(from), assertFriday(to));
  const n = params['weeks_back'] as number | undefined;
  return lastNWeeks(n ?? 6, (params['as_of'] as string | undefined) ?? today);
}

function planStage(ctx: StageContext) {
  const tier = ctx.params['tier'] as Tier;
  const dir = ctx.params['source_dir'] as string;
  const pattern = (ctx.params['file_pattern'] as string | undefined) ?? DEFAULT_FILE_PATTERN;
  const weeks = weeksOf(ctx.params, todayUtc(ctx.clock));
  const children: ChildRequest[] = [];
  const missing: JsonObject[] = [];
  for (const week of weeks) {
    const file = join(dir, fileForWeek(pattern, week, tier));
    if (!existsSync(file)) {
      missing.push({ week_ending: week, file, reason: 'file_not_found' });
      ctx.log.warn('backfill.week.missing', { week_ending: week, file });
      continue;
    }
    const params: Record<string, string | boolean> = { file_path: file, week_ending: week, tier };
    if (ctx.params['force'] === true) params['force'] = true;
    children.push({ pipeline: `${OTC_DOMAIN}.week`, params, label: week });
  }
  return {
    state: { tier, weeks_total: weeks.length, missing },
    metrics: { weeks_total: weeks.length, weeks_missing: missing.length, weeks_planned: children.length },
    children,
  };
}

/** After parallel children, rolling is recomputed oldest week first so each window sees every week. */
async function refreshRollingStage(ctx: StageContext) {
  const outcomes = (ctx.state['children'] ?? []) as unknown as ChildOutcome[];
  const tier = ctx.params['tier'] as Tier;
  const captures = otcCaptures(ctx);
  const done = outcomes
    .filter((o) => o.status === 'completed')
    .map((o) => o.label)
    .sort();
  for (const week of done) {
    const c = captures.latestPublished(OTC_DOMAIN, week, tier);
    if (!c) continue;
    const { rollingStage } = await import('../stages/rolling.js');
    await rollingStage(
      {
        ...ctx,
        params: { week_ending: week, tier, force: true },
        state: { capture_id: c.capture_id, week_ending: week, tier },
      },
      { standalone: false },
    );
  }
  const failed = outcomes.filter((o) => o.status !== 'completed');
  const errors = failed.map((o) => `${o.label}: ${(o.error ?? o.status).slice(0, 200)}`);
  if (done.length === 0 && outcomes.length + ((ctx.state['missing'] as unknown[]) ?? []).length > 0) {
    // Each child already had its own retries (and dead letter); retrying the parent would redo them all.
    throw new SpineError(
      ErrorCodes.CHILDREN_FAILED,
      `Backfill processed no week: ${errors.join('; ') || 'every file is missing'}`,
    );
  }
  return {
    state: { weeks_processed: done.length, weeks_failed: failed.length, processed: done, errors },
    metrics: { weeks_processed: done.length, weeks_failed: failed.length },
  };
}

export const backfillPipeline: PipelineDefinition = {
  name: `${OTC_DOMAIN}.backfill_range`,
  description:
    'Run the week pipeline for a range of weeks found in a folder (child execution per week); missing files are reported, the rest go on',
  domain: OTC_DOMAIN,
  params: [
    P.tierRequired,
    { name: 'source_dir', type: 'path', required: true, mustExist: true, description: 'Folder with the weekly files' },
    { name: 'from_week', type: 'date', friday: true, description: 'First week (a Friday); with to_week' },
    { name: 'to_week', type: 'date', friday: true, description: 'Last week (a Friday); with from_week' },
    { name: 'weeks_back', type: 'int', min: 1, description: 'Or: this many weeks ending at as_of (default 6)' },
    { name: 'as_of', type: 'date', description: 'Reference date for weeks_back (default today, UTC)' },
    {
      name: 'file_pattern',
      type: 'string',
      default: DEFAULT_FILE_PATTERN,
      description: 'File name pattern: {week} {week_yyyymmdd} {pub} {pub_yyyymmdd} {tier_token}',
    },
    P.force,
  ],
  validate: (p) => {
    if ((p['from_week'] === undefined) !== (p['to_week'] === undefined))
      throw new BadParamsError([], { from_week: 'a range needs both its first and its last week' });
    if (p['from_week'] !== undefined && p['weeks_back'] !== undefined)
      throw new BadParamsError([], { weeks_back: 'give either a range of weeks or weeks_back, not both' });
    if (p['from_week'] !== undefined && String(p['from_week']) > String(p['to_week']))
      throw new BadParamsError([], { from_week: 'must not be after the last week' });
  },
  logicalKey: (p) =>
    `backfill:${String(p['tier'])}:${String(p['from_week'] ?? p['weeks_back'] ?? '')}:${String(p['to_week'] ?? p['as_of'] ?? '')}`,
  summarize: (s) => ({
    tier: s['tier'] ?? null,
    weeks_total: s['weeks_total'] ?? 0,
    weeks_processed: s['weeks_processed'] ?? 0,
    weeks_failed: s['weeks_failed'] ?? 0,
    weeks_missing: ((s['missing'] as unknown[]) ?? []).length,
    missing: s['missing'] ?? [],
    errors: s['errors'] ?? [],
  }),
  examples: [
    'spine run finra.otc_transparency.backfill_range --tier otc source_dir=data/samples --from 2025-12-12 --to 2025-12-19',
    'spine run finra.otc_transparency.backfill_range --tier otc source_dir=data/samples weeks_back=2 as_of=2025-12-19 --lane backfill',
  ],
  stages: [
    {
      name: 'plan',
      description: 'List the weeks, find their files, fan out one week pipeline per file',
      run: (ctx) => Promise.resolve(planStage(ctx)),
    },
    { name: 'rolling_refresh', description: 'Recompute rolling oldest week first; report', run: refreshRollingStage },
  ],
};
