import { describe, expect, it } from 'vitest';
import { SpineError } from '../../../../src/core/errors.js';
import {
  isValidTier,
  normalizeTier,
  normalizeTierOrNull,
  tierFileToken,
  tierFromApiIdentifier,
  tierFromDescription,
  tierHintFromFileName,
  TIERS,
  tierToApiIdentifier,
} from '../../../../src/domains/otc/tiers.js';

describe('canonical tiers', () => {
  it('are NMS_TIER_1, NMS_TIER_2, OTC in that order', () => {
    expect(TIERS).toEqual(['NMS_TIER_1', 'NMS_TIER_2', 'OTC']);
  });
});

describe('CLI/API tier aliases (domain-spec §4)', () => {
  it.each([
    ['otc', 'OTC'],
    ['OTC', 'OTC'],
    ['tier1', 'NMS_TIER_1'],
    ['Tier1', 'NMS_TIER_1'],
    ['TIER1', 'NMS_TIER_1'],
    ['NMS_TIER_1', 'NMS_TIER_1'],
    ['nms_tier_1', 'NMS_TIER_1'],
    ['tier2', 'NMS_TIER_2'],
    ['Tier2', 'NMS_TIER_2'],
    ['TIER2', 'NMS_TIER_2'],
    ['NMS_TIER_2', 'NMS_TIER_2'],
    ['nms_tier_2', 'NMS_TIER_2'],
  ])('maps %s to %s', (alias, tier) => {
    expect(normalizeTier(alias)).toBe(tier);
  });

  it('accepts any casing whose uppercase form is canonical', () => {
    expect(normalizeTier('Otc')).toBe('OTC');
    expect(normalizeTier('Nms_Tier_2')).toBe('NMS_TIER_2');
  });

  it('rejects anything else with INVALID_TIER listing the valid values', () => {
    expect(() => normalizeTier('tier3')).toThrow("Invalid tier: 'tier3'. Valid values: OTC, NMS_TIER_1, NMS_TIER_2");
    expect(() => normalizeTier('NMS Tier 1')).toThrow(SpineError);
    expect(() => normalizeTier('NMS Tier 1')).toThrow(expect.objectContaining({ code: 'INVALID_TIER' }));
  });

  it('has null-returning and boolean helpers', () => {
    expect(normalizeTierOrNull('tier1')).toBe('NMS_TIER_1');
    expect(normalizeTierOrNull('bogus')).toBeNull();
    expect(isValidTier('otc')).toBe(true);
    expect(isValidTier('')).toBe(false);
  });
});

describe('tier from a file tierDescription', () => {
  it.each([
    ['NMS Tier 1', 'NMS_TIER_1'],
    ['NMS Tier 2', 'NMS_TIER_2'],
    ['OTC', 'OTC'],
    ['nms tier 1', 'NMS_TIER_1'],
    ['NMS TIER 2', 'NMS_TIER_2'],
    ['Tier 1', 'NMS_TIER_1'],
    ['tier2', 'NMS_TIER_2'],
    ['OTC Other', 'OTC'],
    ['otc', 'OTC'],
    ['  OTC  ', 'OTC'],
    ['NMS_TIER_1', 'NMS_TIER_1'],
    ['Some Tier 2 Text', 'NMS_TIER_2'],
  ])('maps %j to %s', (text, tier) => {
    expect(tierFromDescription(text)).toBe(tier);
  });

  it('never silently falls back to OTC for unknown text', () => {
    expect(tierFromDescription('Grey Market')).toBeNull();
    expect(tierFromDescription('')).toBeNull();
    expect(tierFromDescription('Tier')).toBeNull();
  });
});

describe('tier hint from a file name', () => {
  it.each([
    ['finra_otc_weekly_tier1_20251222.csv', 'NMS_TIER_1'],
    ['finra_otc_weekly_tier2_20251222.csv', 'NMS_TIER_2'],
    ['finra_otc_weekly_otc_20251215.csv', 'OTC'],
    ['nms_tier_1_2025-12-26.psv', 'NMS_TIER_1'],
    ['NMS_TIER_2_week.psv', 'NMS_TIER_2'],
    ['data/x/FINRA_OTC_WEEKLY_OTC_20251222.CSV', 'OTC'],
  ])('hints %s → %s', (name, tier) => {
    expect(tierHintFromFileName(name)).toBe(tier);
  });

  it.each(['random_file.csv', 'week_2025-12-12.psv', 'otc_week_2025-12-12.psv', 'dir_otc_x/week.psv'])(
    'gives no hint for %s',
    (name) => {
      expect(tierHintFromFileName(name)).toBeNull();
    },
  );
});

describe('API tier identifiers', () => {
  it('maps tiers to T1, T2, OTC and back', () => {
    expect(TIERS.map(tierToApiIdentifier)).toEqual(['T1', 'T2', 'OTC']);
    expect(['T1', 'T2', 'OTC', 't1'].map(tierFromApiIdentifier)).toEqual([
      'NMS_TIER_1',
      'NMS_TIER_2',
      'OTC',
      'NMS_TIER_1',
    ]);
    expect(tierFromApiIdentifier('T3')).toBeNull();
  });

  it('names the file token of each tier', () => {
    expect(TIERS.map(tierFileToken)).toEqual(['tier1', 'tier2', 'otc']);
  });
});
