import { describe, expect, it } from 'vitest';
import {
  CALCS,
  checkRegistryInvariants,
  deprecationWarning,
  getCalcMetadata,
  getCurrentVersion,
  isDeprecated,
  versionRank,
} from '../../../../../src/domains/otc/calculations/calc-registry.js';
import type { CalcSpec } from '../../../../../src/domains/otc/calculations/calc-registry.js';

describe('calc registry', () => {
  it('lists the eight calcs at v1 with their business keys', () => {
    expect(Object.keys(CALCS).sort()).toEqual([
      'liquidity_score',
      'rolling_6w',
      'symbol_summary',
      'venue_share',
      'weekly_symbol_tier_volume_share',
      'weekly_symbol_venue_concentration_hhi',
      'weekly_symbol_venue_share',
      'weekly_symbol_venue_volume',
    ]);
    expect(CALCS.venue_share.businessKeys).toEqual(['week_ending', 'tier', 'mpid']);
    expect(CALCS.weekly_symbol_venue_share.businessKeys).toEqual(['week_ending', 'tier', 'symbol', 'mpid']);
    expect(CALCS.rolling_6w.table).toBe('finra_otc_transparency_symbol_rolling_6w');
  });

  it('holds its invariants', () => {
    expect(checkRegistryInvariants()).toEqual([]);
  });

  it('detects broken entries', () => {
    const broken: Record<string, CalcSpec> = {
      bad: { versions: ['v2', 'v1'], current: 'v3', deprecated: ['v2', 'v9'], table: 'BadTable', businessKeys: [] },
    };
    expect(checkRegistryInvariants(broken)).toEqual([
      'bad: current v3 is not in versions',
      'bad: deprecated v9 is not in versions',
      'bad: versions are not listed oldest first',
      'bad: businessKeys is empty',
      "bad: table 'BadTable' must be snake_case with prefix finra_otc_transparency_",
    ]);
  });

  it('ranks v10 above v2', () => {
    expect(versionRank('v10')).toBeGreaterThan(versionRank('v2'));
    expect(() => versionRank('1.0')).toThrow("Invalid calc version '1.0'");
  });

  it('answers current version, deprecation and metadata, and rejects unknown names and versions', () => {
    expect(getCurrentVersion('symbol_summary')).toBe('v1');
    expect(() => getCurrentVersion('nope')).toThrow("Unknown calc 'nope'");
    expect(isDeprecated('venue_share', 'v1')).toBe(false);
    expect(getCalcMetadata('venue_share')).toEqual({
      calcName: 'venue_share',
      calcVersion: 'v1',
      isCurrent: true,
      deprecated: false,
      deprecationWarning: null,
      table: 'finra_otc_transparency_venue_share',
      businessKeys: ['week_ending', 'tier', 'mpid'],
    });
    expect(() => getCalcMetadata('venue_share', 'v2')).toThrow("Unknown version 'v2' for calc venue_share");
  });

  it('warns about deprecated versions', () => {
    const reg: Record<string, CalcSpec> = {
      x: {
        versions: ['v1', 'v2'],
        current: 'v2',
        deprecated: ['v1'],
        table: 'finra_otc_transparency_x',
        businessKeys: ['k'],
      },
    };
    expect(deprecationWarning('x', 'v1', reg)).toBe('Calc x v1 is deprecated; current is v2');
    expect(getCalcMetadata('x', 'v1', reg)).toMatchObject({ isCurrent: false, deprecated: true });
  });
});
