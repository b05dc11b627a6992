/** The bad-input fixtures through the whole pure chain: parse → dedupe → normalize. */
import { describe, expect, it } from 'vitest';
import { normalizeRecords } from '../../../../src/domains/otc/calculations/normalize.js';
import { dedupeRecords } from '../../../../src/domains/otc/dedupe.js';
import { collectOtcBatches } from '../../../../src/domains/otc/parse/parse-otc-lines.js';
import { readOtcFile } from '../../../../src/domains/otc/parse/read-otc-file.js';
import { RejectCodes } from '../../../../src/domains/otc/reject-codes.js';
import { fixturePath } from './otc-test-helpers.js';

async function chain(name: string): Promise<{ accepted: string[]; rejects: Array<[number, string]>; raw: number }> {
  const parsed = await collectOtcBatches(readOtcFile(fixturePath(name), { fileName: name, expectedTier: 'OTC' }));
  const deduped = dedupeRecords(parsed.records);
  const normalized = normalizeRecords(deduped.kept, { weekEnding: '2025-12-19', tier: 'OTC' });
  const rejects = [...parsed.rejects, ...deduped.rejects, ...normalized.rejects]
    .map((r): [number, string] => [r.line, r.reasonCode])
    .sort((a, b) => a[0] - b[0]);
  return {
    accepted: normalized.accepted.map((a) => `${a.symbol}/${a.mpid}`),
    rejects,
    raw: parsed.records.length + parsed.rejects.length,
  };
}

describe('fixtures through parse, dedupe and normalize', () => {
  it('drops an exact duplicate row and keeps the first', async () => {
    const r = await chain('duplicates-exact.psv');
    expect(r.accepted).toEqual(['AABB/OTCN', 'AABB/OTCX']);
    expect(r.rejects).toEqual([[4, RejectCodes.DUPLICATE]]);
  });

  it('rejects every row of a key whose rows disagree', async () => {
    const r = await chain('duplicates-conflicting.psv');
    expect(r.accepted).toEqual(['AABB/OTCX', 'ZZZZ/OTCN']);
    expect(r.rejects).toEqual([
      [2, RejectCodes.CONFLICTING_DUPLICATE],
      [4, RejectCodes.CONFLICTING_DUPLICATE],
    ]);
  });

  it('rejects negative, zero and empty-identity rows in the normalizer and accounts for every raw row', async () => {
    const r = await chain('negative.psv');
    expect(r.accepted).toEqual(['ZS/OTCN']);
    expect(r.rejects).toEqual([
      [2, RejectCodes.NEGATIVE_SHARES],
      [3, RejectCodes.NEGATIVE_TRADES],
      [4, RejectCodes.ZERO_VOLUME],
      [6, RejectCodes.EMPTY_SYMBOL],
      [7, RejectCodes.EMPTY_MPID],
    ]);
    expect(r.raw).toBe(r.accepted.length + r.rejects.length);
  });

  it('accounts for parser rejects too', async () => {
    const r = await chain('non-numeric.psv');
    expect(r.raw).toBe(r.accepted.length + r.rejects.length);
    expect(r.accepted).toEqual(['GOOD/OTCN', 'SPC/OTCN']);
  });
});
