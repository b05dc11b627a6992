import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VerifyCheck } from '../../../src/domains/otc/query/verify.js';
import { verifyData } from '../../../src/domains/otc/query/verify.js';
import { runCli } from '../../helpers/run-cli.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import { runPipeline, SAMPLE_1215, WEEK_PIPELINE } from './otc-pipeline-helpers.js';

describe('spine verify data', () => {
  let t: TempSpine;

  beforeEach(async () => {
    t = openTempSpine();
    const run = await runPipeline(t.spine, WEEK_PIPELINE, { file_path: SAMPLE_1215 });
    expect(run.status).toBe('completed');
  });
  afterEach(() => t.cleanup());

  it('passes every check on a freshly published real week', () => {
    const checks = verifyData(t.spine.db, {});
    expect(checks.map((c) => c.check)).toEqual([
      'row_counts_match',
      'raw_reconciles',
      'no_null_or_negative',
      'venue_share_sum',
      'hhi_range',
    ]);
    expect(checks.every((c) => c.status === 'PASS')).toBe(true);
    expect(checks.find((c) => c.check === 'raw_reconciles')?.detail).toBe('raw 5328 = accepted 5328 + rejected 0');
  });

  it('fails the row-count and reconciliation checks when a row goes missing behind the pipeline, and exits 1', () => {
    t.spine.db
      .prepare(
        `DELETE FROM finra_otc_transparency_venue_volume WHERE id = (SELECT MIN(id) FROM finra_otc_transparency_venue_volume)`,
      )
      .run();
    const failed = verifyData(t.spine.db, { week: '2025-12-12', tier: 'OTC' }).filter((c) => c.status === 'FAIL');
    expect(failed.map((c) => c.check)).toEqual(['row_counts_match', 'raw_reconciles']);
    t.spine.close();
    const cli = runCli(['verify', 'data', '--json'], { dbPath: t.dbPath });
    expect(cli.code).toBe(1);
    const out = cli.json<{ checks: VerifyCheck[]; failed: number }>();
    expect(out.failed).toBe(2);
  });

  it('checks nothing for a week with no published capture', () => {
    expect(verifyData(t.spine.db, { week: '2025-12-19' })).toEqual([]);
  });
});
