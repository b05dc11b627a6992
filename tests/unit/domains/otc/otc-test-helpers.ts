/** Paths and small builders shared by the OTC domain tests (tests run from the repo root). */
import { fileURLToPath } from 'node:url';
import type { Tier } from '../../../../src/domains/otc/tiers.js';
import type { VenueRow } from '../../../../src/domains/otc/types.js';

const ROOT = new URL('../../../../', import.meta.url);

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`tests/fixtures/otc/${name}`, ROOT));
}

export function samplePath(name: string): string {
  return fileURLToPath(new URL(`data/samples/${name}`, ROOT));
}

export const REAL_FILE_1215 = 'finra_otc_weekly_otc_20251215.csv';
export const REAL_FILE_1222 = 'finra_otc_weekly_otc_20251222.csv';

export const FORMAT_A_HEADER =
  'tierDescription|issueSymbolIdentifier|issueName|marketParticipantName|MPID|totalWeeklyShareQuantity|totalWeeklyTradeCount|lastUpdateDate';

/** A venue row with defaults: week 2025-12-19, tier OTC. */
export function venueRow(
  symbol: string,
  mpid: string,
  shares: number | bigint,
  trades: number | bigint,
  extra: Partial<VenueRow> = {},
): VenueRow {
  const tier: Tier = 'OTC';
  return { weekEnding: '2025-12-19', tier, symbol, mpid, totalShares: shares, totalTrades: trades, ...extra };
}
