/**
 * The normalize stage as the week pipeline runs it (real dispatcher, sync backend, temp SQLite file):
 * what lands in venue_volume for an accepted row, how a row with several problems is recorded, and how
 * keys that collide only after symbol cleaning are resolved (the first row wins; every later row of the
 * key is a KEY_COLLISION reject, whether or not its counts agree).
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import { FORMAT_A_HEADER } from '../../unit/domains/otc/otc-test-helpers.js';
import { runPipeline, WEEK_PIPELINE } from './otc-pipeline-helpers.js';

const LINES = [
  FORMAT_A_HEADER,
  'OTC|aa$bb|Asia Broadband Inc|OTCN OTC LINK NQB IDQS|OTCN|1000|10|2025-12-15', // 2: cleaned to AABB
  'OTC|AAPL|Apple Junk|OTCN OTC LINK NQB IDQS|OTCN|0|0|2025-12-15', // 3: ZERO_VOLUME
  'OTC|$$|No Symbol|OTCN OTC LINK NQB IDQS|OTCN|-5|1|2025-12-15', // 4: EMPTY_SYMBOL and NEGATIVE_SHARES
  'OTC|BRK.B|Berkshire B|OTCX OTC LINK ECN ATS|OTCX|300|3|2025-12-15', // 5
  'OTC|BRK$.B|Berkshire B|OTCX OTC LINK ECN ATS|OTCX|300|3|2025-12-15', // 6: same key and counts as 5
  'OTC|BR$K.B|Berkshire B|OTCX OTC LINK ECN ATS|OTCX|7|1|2025-12-15', // 7: same key, other counts
  'OTC|ZZ|Zeta|OTCN OTC LINK NQB IDQS|OTCN|9|0|2025-12-15', // 8: no trades
];

let t: TempSpine;
let exec: ExecutionRecord;
let file: string;

beforeAll(async () => {
  t = openTempSpine();
  file = t.dir.join('normalize_otc_20251215.psv');
  writeFileSync(file, `${LINES.join('\n')}\n`);
  exec = await runPipeline(t.spine, WEEK_PIPELINE, { file_path: file });
});

afterAll(() => {
  t.cleanup();
});

describe('normalize stage in the week pipeline', () => {
  it('completes, with 7 rows in, 3 accepted and 4 rejected by normalize', () => {
    expect(exec.status).toBe('completed');
    expect(exec.result).toMatchObject({ rows_in: 7, accepted: 3, rejected: 4, duplicates_dropped: 0 });
  });

  it('writes accepted rows with the cleaned symbol, names and the average trade size (null without trades)', () => {
    const rows = t.spine.db
      .prepare(
        `SELECT week_ending, tier, symbol, mpid, issue_name, venue_name, total_shares, total_trades, avg_trade_size
         FROM finra_otc_transparency_venue_volume_latest ORDER BY symbol`,
      )
      .all();
    expect(rows).toEqual([
      {
        week_ending: '2025-12-12',
        tier: 'OTC',
        symbol: 'AABB',
        mpid: 'OTCN',
        issue_name: 'Asia Broadband Inc',
        venue_name: 'OTCN OTC LINK NQB IDQS',
        total_shares: 1000,
        total_trades: 10,
        avg_trade_size: 100,
      },
      {
        week_ending: '2025-12-12',
        tier: 'OTC',
        symbol: 'BRK.B',
        mpid: 'OTCX',
        issue_name: 'Berkshire B',
        venue_name: 'OTCX OTC LINK ECN ATS',
        total_shares: 300,
        total_trades: 3,
        avg_trade_size: 100,
      },
      {
        week_ending: '2025-12-12',
        tier: 'OTC',
        symbol: 'ZZ',
        mpid: 'OTCN',
        issue_name: 'Zeta',
        venue_name: 'OTCN OTC LINK NQB IDQS',
        total_shares: 9,
        total_trades: 0,
        avg_trade_size: null,
      },
    ]);
  });

  it('records every reason of a bad row (first reason as the code) and the raw row, and the collisions as KEY_COLLISION', () => {
    const rejects = t.spine.db
      .prepare(
        `SELECT line_number, stage, reason_code, reason_detail, raw_json, source_locator FROM core_rejects ORDER BY line_number`,
      )
      .all() as { line_number: number; raw_json: string; source_locator: string }[];
    expect(rejects.map(({ raw_json: _r, source_locator: _s, ...r }) => r)).toEqual([
      {
        line_number: 3,
        stage: 'NORMALIZE',
        reason_code: 'ZERO_VOLUME',
        reason_detail: 'ZERO_VOLUME: Zero volume record (0 shares, 0 trades)',
      },
      {
        line_number: 4,
        stage: 'NORMALIZE',
        reason_code: 'EMPTY_SYMBOL',
        reason_detail: "EMPTY_SYMBOL: Empty symbol after cleaning: '$$'; NEGATIVE_SHARES: Negative share count: -5",
      },
      {
        line_number: 6,
        stage: 'NORMALIZE',
        reason_code: 'KEY_COLLISION',
        reason_detail: "KEY_COLLISION: symbol 'BRK$.B' cleans to BRK.B, which line 5 already has for MPID OTCX",
      },
      {
        line_number: 7,
        stage: 'NORMALIZE',
        reason_code: 'KEY_COLLISION',
        reason_detail: "KEY_COLLISION: symbol 'BR$K.B' cleans to BRK.B, which line 5 already has for MPID OTCX",
      },
    ]);
    expect(rejects.every((r) => r.source_locator === file)).toBe(true);
    expect(JSON.parse(rejects[1]?.raw_json ?? '{}')).toEqual({
      symbol: '$$',
      mpid: 'OTCN',
      total_shares: -5,
      total_trades: 1,
      tier: 'OTC',
    });
  });
});
