/** Paths and small builders shared by the OTC domain tests (tests run from the repo root). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOtcFile } from '../../../../src/domains/otc/parse/read-otc-file.js';
import type { ReadOtcFileOptions } from '../../../../src/domains/otc/parse/read-otc-file.js';
import type { Tier } from '../../../../src/domains/otc/tiers.js';
import type { ParsedBatch, RawOtcRecord, RowReject, VenueRow } from '../../../../src/domains/otc/types.js';

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

/** Everything a source yielded, drained into one result. */
export interface Parsed {
  readonly records: RawOtcRecord[];
  readonly rejects: RowReject[];
  readonly lastLine: number;
}

/** Drains a batch stream (readOtcFile, fetchFinraWeekly) into one result. */
export async function collectBatches(batches: AsyncIterable<ParsedBatch>): Promise<Parsed> {
  const records: RawOtcRecord[] = [];
  const rejects: RowReject[] = [];
  let lastLine = 0;
  for await (const b of batches) {
    records.push(...b.records);
    rejects.push(...b.rejects);
    lastLine = b.lastLine;
  }
  return { records, rejects, lastLine };
}

/**
 * Parses `text` the way the ingest stage does: written to a temp file and streamed through readOtcFile.
 * `fileName` is what errors and rejects name (as the stage passes the file's path).
 */
export async function parseFileText(text: string, opts: ReadOtcFileOptions & { fileName: string }): Promise<Parsed> {
  const dir = mkdtempSync(join(tmpdir(), 'spine-parse-'));
  try {
    const path = join(dir, 'input.psv');
    writeFileSync(path, text);
    return await collectBatches(readOtcFile(path, opts));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
