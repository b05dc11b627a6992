import { describe, expect, it } from 'vitest';
import { detectFileFacts } from '../../../../../src/domains/otc/parse/detect-file-facts.js';
import { fixturePath, REAL_FILE_1222, samplePath } from '../otc-test-helpers.js';

describe('detectFileFacts', () => {
  it('reads the tier and lastUpdateDate of the first data row of a real file', async () => {
    const facts = await detectFileFacts(samplePath(REAL_FILE_1222));
    expect(facts).toEqual({
      header: [
        'tierDescription',
        'issueSymbolIdentifier',
        'issueName',
        'marketParticipantName',
        'MPID',
        'totalWeeklyShareQuantity',
        'totalWeeklyTradeCount',
        'lastUpdateDate',
      ],
      firstDataLine: 2,
      tierText: 'OTC',
      tier: 'OTC',
      lastUpdateDate: '2025-12-22',
      rowWeekEnding: '2025-12-19',
    });
  });

  it('reads the week of a format B fixture from WeekEnding', async () => {
    const facts = await detectFileFacts(fixturePath('week_2025-12-26.psv'));
    expect(facts).toMatchObject({
      tier: 'NMS_TIER_1',
      lastUpdateDate: null,
      rowWeekEnding: '2025-12-26',
      firstDataLine: 2,
    });
  });

  it('reports no data row for empty and header-only files', async () => {
    expect(await detectFileFacts(fixturePath('empty.psv'))).toMatchObject({
      header: [],
      firstDataLine: null,
      tier: null,
    });
    expect(await detectFileFacts(fixturePath('header-blank-lines.psv'))).toMatchObject({
      firstDataLine: null,
      lastUpdateDate: null,
    });
  });

  it('handles a BOM and CRLF and a last line without newline', async () => {
    expect(await detectFileFacts(fixturePath('bom-crlf-quoted.psv'))).toMatchObject({
      tier: 'OTC',
      lastUpdateDate: '2025-12-22',
    });
    expect(await detectFileFacts(fixturePath('no-final-newline.psv'))).toMatchObject({
      firstDataLine: 2,
      rowWeekEnding: '2025-12-19',
    });
  });

  it('returns null facts for unparseable first-row values instead of failing', async () => {
    const facts = await detectFileFacts(fixturePath('unknown-tier.psv'));
    expect(facts.tier).toBe('OTC');
    expect((await detectFileFacts(fixturePath('non-iso-dates.psv'))).lastUpdateDate).toBe('2025-12-22');
  });

  it('fails an unusable header the way a full parse would', async () => {
    await expect(detectFileFacts(fixturePath('random-bytes.bin'))).rejects.toThrow('HEADER_MISSING_COLUMN');
    await expect(detectFileFacts(fixturePath('nope.psv'))).rejects.toThrow('FILE_NOT_FOUND');
  });
});
