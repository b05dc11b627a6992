import { describe, expect, it } from 'vitest';
import { compareWithLatest } from '../../../../../src/domains/otc/sync/compare.js';
import { planTier } from '../../../../../src/domains/otc/sync/plan.js';

const week = (p: { weeks: readonly { weekEnding: string; reason: string }[] }) =>
  p.weeks.map((w) => `${w.weekEnding} ${w.reason}`);

describe('planTier', () => {
  it('asks for absent weeks over the lookback and re-checks the revision window even when captured', () => {
    const plan = planTier({
      tier: 'OTC',
      latestDue: '2026-01-02',
      lookbackWeeks: 5,
      revisionWindow: 2,
      captured: new Set(['2025-12-05', '2025-12-12', '2025-12-26', '2026-01-02']),
    });
    expect(plan.from).toBe('2025-12-05');
    expect(week(plan)).toEqual(['2025-12-19 absent', '2025-12-26 revision_window', '2026-01-02 revision_window']);
    expect(plan.skipped).toBe(2);
  });

  it('--from fills from that week; a re-run after captures skips them (resumable)', () => {
    const first = planTier({
      tier: 'NMS_TIER_1',
      latestDue: '2026-01-16',
      fromWeek: '2025-12-19',
      lookbackWeeks: 12,
      revisionWindow: 0,
      captured: new Set(),
    });
    expect(week(first)).toEqual([
      '2025-12-19 absent',
      '2025-12-26 absent',
      '2026-01-02 absent',
      '2026-01-09 absent',
      '2026-01-16 absent',
    ]);
    const again = planTier({
      tier: 'NMS_TIER_1',
      latestDue: '2026-01-16',
      fromWeek: '2025-12-19',
      lookbackWeeks: 12,
      revisionWindow: 0,
      captured: new Set(['2025-12-19', '2025-12-26', '2026-01-02']),
    });
    expect(week(again)).toEqual(['2026-01-09 absent', '2026-01-16 absent']);
    expect(again.skipped).toBe(3);
  });

  it('plans nothing when --from is after the newest due week', () => {
    const plan = planTier({
      tier: 'OTC',
      latestDue: '2026-01-02',
      fromWeek: '2026-01-09',
      lookbackWeeks: 12,
      revisionWindow: 4,
      captured: new Set(),
    });
    expect(plan.weeks).toEqual([]);
  });
});

describe('compareWithLatest', () => {
  const latest = { content_hash: 'h1', source_last_update_date: '2026-01-02' };
  it('names why a week is published, or says it is unchanged', () => {
    expect(compareWithLatest({ contentHash: 'h1', sourceLastUpdateDate: '2026-01-02' }, undefined)).toBe('new_week');
    expect(compareWithLatest({ contentHash: 'h2', sourceLastUpdateDate: '2026-01-02' }, latest)).toBe(
      'content_changed',
    );
    expect(compareWithLatest({ contentHash: 'h1', sourceLastUpdateDate: '2026-01-09' }, latest)).toBe(
      'source_date_changed',
    );
    expect(compareWithLatest({ contentHash: 'h1', sourceLastUpdateDate: '2026-01-02' }, latest)).toBe('unchanged');
  });
});
