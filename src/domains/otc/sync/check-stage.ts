/**
 * Sync's `check` and `recheck` stages: ask the API about every planned week not yet decided by this
 * execution (at most `concurrency` at a time), record what it said in core_source_checks, and fan out one
 * week pipeline run per week whose content changed.
 *
 * A week the API stays unavailable for (5xx, 429, timeouts after the source's own back-off) stays
 * undecided. `check` goes on without it, so every other week is published. `recheck` asks only the
 * undecided weeks again and fails with SOURCE_UNAVAILABLE (transient) if the API is still unavailable:
 * the backend retries that stage with its back-off, and when its attempts run out the run fails
 * SOURCE_UNAVAILABLE (and is dead-lettered), which `spine status` shows as a source problem. A re-run
 * then finds the weeks published so far captured, so a long `--from` fill resumes where it stopped.
 */
import type { ChildRequest, JsonObject, StageOutcome } from '../../../contracts/execution.js';
import { todayUtc } from '../../../core/clock.js';
import { ErrorCodes } from '../../../core/errors.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { OTC_DOMAIN } from '../constants.js';
import { SourceUnavailableError } from '../sources/index.js';
import { otcCaptures } from '../stages/otc-stage-context.js';
import { TIERS } from '../tiers.js';
import type { Tier } from '../tiers.js';
import { compareWithLatest } from './compare.js';
import { fetchWeekForCompare } from './fetch-week.js';
import type { WeekFetch } from './fetch-week.js';
import { latestDueWeekAt } from './due-weeks.js';
import { planTier } from './plan.js';
import type { PlannedWeek, TierPlan } from './plan.js';
import { settleChanged } from './settle.js';
import { SourceChecks } from './source-checks.js';

export const DEFAULT_REVISION_WINDOW = 4;
export const DEFAULT_LOOKBACK_WEEKS = 12;

/** `revision_window` param, else $SPINE_SYNC_REVISION_WINDOW, else 4. */
export function revisionWindowOf(params: StageContext['params']): number {
  const p = params['revision_window'];
  if (typeof p === 'number') return p;
  const env = Number(process.env['SPINE_SYNC_REVISION_WINDOW']);
  return Number.isInteger(env) && env >= 0 ? env : DEFAULT_REVISION_WINDOW;
}

function tiersOf(params: StageContext['params']): readonly Tier[] {
  return typeof params['tier'] === 'string' ? [params['tier'] as Tier] : TIERS;
}

function capturedWeeks(ctx: StageContext, tier: Tier): Set<string> {
  const rows = ctx.db
    .prepare(
      `SELECT DISTINCT week_ending AS w FROM core_captures WHERE domain = ? AND tier = ? AND status = 'published'`,
    )
    .all(OTC_DOMAIN, tier) as { w: string }[];
  return new Set(rows.map((r) => r.w));
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

const key = (tier: string, week: string): string => `${tier}:${week}`;

export async function syncCheckStage(ctx: StageContext, round: 'check' | 'recheck'): Promise<StageOutcome> {
  const asOf = ctx.params['as_of'] as string | undefined;
  const today = asOf ?? todayUtc(ctx.clock);
  // as_of means "during that day": a week due that day is due.
  const now = asOf === undefined ? ctx.clock.now() : new Date(`${asOf}T23:59:59.999Z`);
  const plans: TierPlan[] = tiersOf(ctx.params).flatMap((tier) => {
    const latestDue = latestDueWeekAt(ctx.db, tier, now);
    if (latestDue === null) {
      ctx.log.warn('sync.tier_disabled', { tier, reason: 'no enabled row in core_expected_schedules' });
      return [];
    }
    return planTier({
      tier,
      latestDue,
      fromWeek: ctx.params['from_week'] as string | undefined,
      lookbackWeeks: (ctx.params['lookback_weeks'] as number | undefined) ?? DEFAULT_LOOKBACK_WEEKS,
      revisionWindow: revisionWindowOf(ctx.params),
      captured: capturedWeeks(ctx, tier),
    });
  });
  const checks = new SourceChecks(ctx.db);
  // The first round's week runs are settled before this round fans out its own (state.children is replaced).
  if (round === 'recheck') settleChanged(checks, ctx.execution.executionId, ctx.state);
  const decided = new Set(checks.ofExecution(ctx.execution.executionId).map((c) => key(c.tier, c.week_ending)));
  const todo = plans.flatMap((p) => p.weeks).filter((w) => !decided.has(key(w.tier, w.weekEnding)));
  const captures = otcCaptures(ctx);
  const unavailable: { week: PlannedWeek; fetch: WeekFetch & { kind: 'failed' } }[] = [];
  let requests = 0;
  const concurrency = (ctx.params['concurrency'] as number | undefined) ?? 4;
  ctx.log.info('sync.plan', {
    as_of: today,
    weeks: todo.length,
    already_decided: decided.size,
    tiers: plans.map((p) => `${p.tier} ${p.from}..${p.latestDue}`).join(', '),
  });

  await pool(todo, concurrency, async (w) => {
    const latest = captures.latestPublished(OTC_DOMAIN, w.weekEnding, w.tier);
    const got = await fetchWeekForCompare({
      tier: w.tier,
      weekEnding: w.weekEnding,
      now: ctx.clock.now(),
      onPage: () => ctx.yieldControl(),
    });
    requests += got.requests;
    const base = {
      weekEnding: w.weekEnding,
      tier: w.tier,
      source: got.source,
      requests: got.requests,
      latestCaptureId: latest?.capture_id ?? null,
    };
    const record = (c: Parameters<SourceChecks['record']>[0]): void =>
      checks.record(c, ctx.clock.now(), ctx.execution.executionId, ctx.execution.batchId);
    if (got.kind === 'failed') {
      if (got.errorCode === ErrorCodes.SOURCE_UNAVAILABLE) unavailable.push({ week: w, fetch: got });
      else record({ ...base, outcome: 'failed', errorCode: got.errorCode, errorMessage: got.message });
      return;
    }
    if (got.kind === 'absent') {
      record({ ...base, outcome: 'absent', reason: w.reason === 'absent' ? 'not_published' : 'no_longer_served' });
      return;
    }
    const verdict = compareWithLatest(got, latest);
    record({
      ...base,
      outcome: verdict === 'unchanged' ? 'unchanged' : 'changed',
      reason: verdict,
      contentHash: got.contentHash,
      sourceLastUpdateDate: got.sourceLastUpdateDate,
      rows: got.rows,
    });
  });

  if (unavailable.length > 0 && round === 'check') {
    ctx.log.warn('sync.unavailable', {
      weeks: unavailable.map((u) => key(u.week.tier, u.week.weekEnding)).join(', '),
      error: unavailable[0]?.fetch.message,
    });
  } else if (unavailable.length > 0) {
    const first = unavailable[0] as (typeof unavailable)[number];
    const weeks = unavailable.map((u) => key(u.week.tier, u.week.weekEnding)).sort();
    throw new SourceUnavailableError(
      first.fetch.source,
      'SYNC_SOURCE_UNAVAILABLE',
      `the FINRA API stayed unavailable for ${weeks.length} week(s) (${weeks.join(', ')}); last: ${first.fetch.message}`,
      { weeks, requests },
    );
  }

  // Oldest week first (per tier): a week's quality checks and rolling window read the weeks before it.
  const changed = checks
    .ofExecution(ctx.execution.executionId)
    .filter((c) => c.outcome === 'changed')
    .sort((a, b) => a.tier.localeCompare(b.tier) || a.week_ending.localeCompare(b.week_ending));
  const children: ChildRequest[] = changed.map((c) => ({
    pipeline: `${OTC_DOMAIN}.week`,
    label: key(c.tier, c.week_ending),
    params: {
      source: 'api',
      tier: c.tier,
      week_ending: c.week_ending,
      // A revision is a new capture beside the old one; publish only if nobody published since this check.
      ...(c.latest_capture_id === null ? {} : { force: true }),
      expect_latest_capture: c.latest_capture_id ?? 'none',
    },
  }));
  const planSummary: JsonObject[] = plans.map((p) => ({
    tier: p.tier,
    from: p.from,
    latest_due: p.latestDue,
    planned: p.weeks.length,
    skipped_captured: p.skipped,
  }));
  return {
    state: round === 'check' ? { as_of: today, plans: planSummary, children: [] } : { children: [] },
    metrics: { weeks_checked: todo.length, changed: changed.length, unavailable: unavailable.length, requests },
    ...(children.length > 0 ? { children } : {}),
  };
}
