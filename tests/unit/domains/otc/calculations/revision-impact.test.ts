import { describe, expect, it } from 'vitest';
import {
  DERIVED_ROLLING,
  DERIVED_TIER_SHARE,
  planRecompute,
  revisionTouches,
} from '../../../../../src/domains/otc/calculations/revision-impact.js';
import type { StaleInput } from '../../../../../src/domains/otc/calculations/revision-impact.js';
import type { Tier } from '../../../../../src/domains/otc/tiers.js';

const has =
  (keys: readonly string[]) =>
  (week: string, tier: Tier): boolean =>
    keys.includes(`${week}|${tier}`);

describe('revisionTouches', () => {
  it('lists W+1..W+5 of the same tier and W of the other tiers, only where a capture exists', () => {
    const published = has([
      '2025-10-31|OTC',
      '2025-11-07|OTC',
      '2025-11-14|OTC',
      '2025-11-28|OTC',
      '2025-12-05|OTC',
      '2025-12-12|OTC',
      '2025-10-31|NMS_TIER_2',
      '2025-11-07|NMS_TIER_1',
    ]);
    expect(revisionTouches({ week_ending: '2025-10-31', tier: 'OTC' }, published)).toEqual([
      { week_ending: '2025-11-07', tier: 'OTC', dataset: DERIVED_ROLLING },
      { week_ending: '2025-11-14', tier: 'OTC', dataset: DERIVED_ROLLING },
      { week_ending: '2025-11-28', tier: 'OTC', dataset: DERIVED_ROLLING },
      { week_ending: '2025-12-05', tier: 'OTC', dataset: DERIVED_ROLLING },
      { week_ending: '2025-10-31', tier: 'NMS_TIER_2', dataset: DERIVED_TIER_SHARE },
    ]);
  });

  it('touches nothing when no other partition is published, and honours a smaller window', () => {
    expect(revisionTouches({ week_ending: '2025-10-31', tier: 'OTC' }, () => false)).toEqual([]);
    expect(revisionTouches({ week_ending: '2025-10-31', tier: 'NMS_TIER_1' }, () => true, 3)).toEqual([
      { week_ending: '2025-11-07', tier: 'NMS_TIER_1', dataset: DERIVED_ROLLING },
      { week_ending: '2025-11-14', tier: 'NMS_TIER_1', dataset: DERIVED_ROLLING },
      { week_ending: '2025-10-31', tier: 'NMS_TIER_2', dataset: DERIVED_TIER_SHARE },
      { week_ending: '2025-10-31', tier: 'OTC', dataset: DERIVED_TIER_SHARE },
    ]);
  });
});

const stale = (week: string, tier: Tier, dataset: string, input: string, by: string | null): StaleInput => ({
  week_ending: week,
  tier,
  capture_id: `c:${tier}:${week}`,
  dataset,
  input_week_ending: '2025-10-31',
  input_tier: 'OTC',
  input_capture_id: input,
  superseded_by: by,
});

describe('planRecompute', () => {
  it('groups stale inputs per capture with one reason each, sorted by tier then week', () => {
    const plan = planRecompute([
      stale('2025-11-14', 'OTC', DERIVED_ROLLING, 'old', 'new'),
      stale('2025-10-31', 'NMS_TIER_1', DERIVED_TIER_SHARE, 'old', 'new'),
      stale('2025-11-07', 'OTC', DERIVED_ROLLING, 'old', null),
      stale('2025-11-07', 'OTC', DERIVED_ROLLING, 'older', 'new'),
    ]);
    expect(plan).toEqual([
      {
        week_ending: '2025-10-31',
        tier: 'NMS_TIER_1',
        capture_id: 'c:NMS_TIER_1:2025-10-31',
        datasets: [DERIVED_TIER_SHARE],
        reasons: ['tier_volume_share read 2025-10-31 OTC capture old, superseded by new'],
      },
      {
        week_ending: '2025-11-07',
        tier: 'OTC',
        capture_id: 'c:OTC:2025-11-07',
        datasets: [DERIVED_ROLLING],
        reasons: [
          'rolling_6w read 2025-10-31 OTC capture old, which no longer has a published capture',
          'rolling_6w read 2025-10-31 OTC capture older, superseded by new',
        ],
      },
      {
        week_ending: '2025-11-14',
        tier: 'OTC',
        capture_id: 'c:OTC:2025-11-14',
        datasets: [DERIVED_ROLLING],
        reasons: ['rolling_6w read 2025-10-31 OTC capture old, superseded by new'],
      },
    ]);
  });

  it('keeps only what a revision touches when given its reach', () => {
    const plan = planRecompute(
      [
        stale('2025-11-14', 'OTC', DERIVED_ROLLING, 'old', 'new'),
        stale('2025-10-31', 'NMS_TIER_1', DERIVED_TIER_SHARE, 'old', 'new'),
      ],
      [{ week_ending: '2025-11-14', tier: 'OTC', dataset: DERIVED_ROLLING }],
    );
    expect(plan.map((p) => p.capture_id)).toEqual(['c:OTC:2025-11-14']);
    expect(planRecompute([], [])).toEqual([]);
  });
});
