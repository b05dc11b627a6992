/**
 * Issue 6: `spine query` flag validation (unknown dataset, column or tier; --week with --from), injection
 * attempts through every user value, and `spine query sql` refusing writes on its read-only connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import type { DatasetResult } from '../../../src/domains/otc/query/query-service.js';
import { FIRST_RUN_AT, runWeekAt } from '../../fixtures/revised/captures.js';
import type { BuiltCapture } from '../../fixtures/revised/captures.js';
import { WEEK, writeHeadCopy } from '../../fixtures/revised/revise-otc-file.js';
import { runCli } from '../../helpers/run-cli.js';
import type { CliResult } from '../../helpers/run-cli.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

interface ErrorJson {
  error: { code: string; message: string; details: Record<string, unknown>; exitCode: number };
}

const DATASETS = [
  'otc.summary',
  'otc.venue_volume',
  'otc.venue_share',
  'otc.symbol_venue_volume',
  'otc.symbol_venue_share',
  'otc.hhi',
  'otc.tier_share',
  'otc.rolling',
  'otc.raw',
  'otc.rejects',
  'otc.quality',
];

let dir: TempDir;
let dbPath: string;
let db: Db;
let capture: BuiltCapture;

const spine = (...args: string[]): CliResult => runCli(args, { dbPath });
const failure = (res: CliResult): ErrorJson['error'] => {
  expect(res.code, res.stdout).toBe(2);
  return res.json<ErrorJson>().error;
};

/** Every table and view, and the row count of the tables an injection would hurt. */
function schemaAndCounts(): { objects: string[]; counts: Record<string, number> } {
  const objects = (
    db.prepare(`SELECT type || ' ' || name AS o FROM sqlite_master ORDER BY o`).all() as { o: string }[]
  ).map((r) => r.o);
  const counts: Record<string, number> = {};
  for (const t of [
    'core_captures',
    'core_executions',
    'finra_otc_transparency_symbol_summary',
    'finra_otc_transparency_raw',
  ]) {
    counts[t] = (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
  }
  counts['user_version'] = db.pragma('user_version', { simple: true }) as number;
  return { objects, counts };
}

let before: ReturnType<typeof schemaAndCounts>;

beforeAll(async () => {
  dir = tempDir();
  const file = writeHeadCopy(dir.join('finra_otc_weekly_otc_20251215.csv'), 200);
  capture = await runWeekAt(dir, 'spine.db', FIRST_RUN_AT, { file_path: file });
  dbPath = dir.join('spine.db');
  db = openTempDb(dbPath);
  before = schemaAndCounts();
}, 120_000);

afterAll(() => {
  db.close();
  dir.cleanup();
});

describe('spine query flag validation', () => {
  it('refuses an unknown dataset and lists every valid one', () => {
    const error = failure(spine('query', 'otc.nope', '--json'));

    expect(error.code).toBe('INVALID_PARAMS');
    expect(error.message).toBe(`Unknown dataset 'otc.nope'. Valid datasets: ${DATASETS.join(', ')}`);
    expect(error.details['valid']).toEqual(DATASETS);
  });

  it('refuses an unknown --order-by column and lists the columns of the dataset', () => {
    const error = failure(spine('query', 'otc.summary', '--order-by', 'volume', '--json'));

    expect(error.code).toBe('INVALID_PARAMS');
    expect(error.message).toMatch(
      /^Unknown column 'volume' for otc\.summary\. Did you mean 'total_volume'\? Valid columns: /,
    );
    for (const col of ['symbol', 'total_volume', 'total_trades', 'venue_count', 'capture_id', 'captured_at']) {
      expect(error.message).toContain(col);
    }
  });

  it('sorts by a valid --order-by column and direction', () => {
    const res = spine('query', 'otc.summary', '--week', WEEK, '--order-by', 'symbol desc', '--top', '5', '--json');

    expect(res.code, res.stderr).toBe(0);
    const symbols = res.json<DatasetResult>().rows.map((r) => String(r['symbol']));
    expect(symbols).toHaveLength(5);
    expect(symbols).toEqual([...symbols].sort().reverse());
  });

  it('refuses a bad tier with INVALID_TIER listing the valid tiers', () => {
    const error = failure(spine('query', 'otc.summary', '--tier', 'tier9', '--json'));

    expect(error.code).toBe('INVALID_TIER');
    expect(error.message).toBe("Invalid tier: 'tier9'. Valid values: OTC, NMS_TIER_1, NMS_TIER_2");
    expect(error.details['valid']).toEqual(['NMS_TIER_1', 'NMS_TIER_2', 'OTC']);
  });

  it('refuses --week together with --from, and --from without --to', () => {
    const both = failure(spine('query', 'otc.summary', '--week', WEEK, '--from', WEEK, '--to', '2025-12-19', '--json'));
    const half = failure(spine('query', 'otc.summary', '--from', WEEK, '--json'));

    expect(both).toMatchObject({ code: 'INVALID_PARAMS', message: 'Use either --week or --from/--to, not both' });
    expect(half).toMatchObject({ code: 'INVALID_PARAMS', message: '--from and --to go together' });
  });
});

describe('injection attempts through spine query', () => {
  it('treats a quoted --symbol as data: no rows, and every table still there', () => {
    const res = spine('query', 'otc.summary', '--week', WEEK, '--symbol', "X' OR 1=1 --", '--json');

    expect(res.code, res.stderr).toBe(0);
    const result = res.json<DatasetResult>();
    expect(result.captures.map((c) => c.capture_id)).toEqual([capture.captureId]);
    expect(result.rows).toEqual([]);
    expect(schemaAndCounts()).toEqual(before);
  });

  it('treats a quoted --mpid as data too', () => {
    const res = spine('query', 'otc.venue_volume', '--week', WEEK, '--mpid', "OTCN' OR '1'='1", '--json');

    expect(res.code, res.stderr).toBe(0);
    expect(res.json<DatasetResult>().rows).toEqual([]);
  });

  it('refuses an --order-by carrying a statement and leaves core_captures in place', () => {
    const error = failure(spine('query', 'otc.summary', '--order-by', 'symbol; DROP TABLE core_captures', '--json'));

    expect(error.code).toBe('INVALID_PARAMS');
    expect(error.message).toContain("Unknown column 'symbol; DROP TABLE core_captures'");
    expect(schemaAndCounts()).toEqual(before);
  });

  it('looks up a quoted --as-of capture id as a value and finds no such capture', () => {
    const error = failure(spine('query', 'otc.summary', '--week', WEEK, '--as-of', "x:1' OR '1'='1", '--json'));

    expect(error.code).toBe('NOT_FOUND');
    expect(schemaAndCounts()).toEqual(before);
  });
});

describe('spine query sql', () => {
  it.each([
    ['INSERT', `INSERT INTO core_executions (id, pipeline, created_at) VALUES ('evil', 'x', '2025-12-12')`],
    [
      'INSERT … RETURNING',
      `INSERT INTO core_executions (id, pipeline, created_at) VALUES ('evil', 'x', 'y') RETURNING id`,
    ],
    ['DELETE', 'DELETE FROM core_captures'],
    ['UPDATE', `UPDATE core_captures SET status = 'deleted'`],
    ['DROP', 'DROP TABLE core_captures'],
    ['CREATE', 'CREATE TABLE evil (x)'],
    ['PRAGMA write', 'PRAGMA user_version = 7'],
  ])('refuses %s with INVALID_PARAMS, exit code 2, and changes nothing', (_kind, sql) => {
    const error = failure(spine('query', 'sql', sql, '--json'));

    expect(error.code).toBe('INVALID_PARAMS');
    expect(error.message).toContain('read-only');
    expect(schemaAndCounts()).toEqual(before);
  });

  it('refuses a SELECT with a second statement appended', () => {
    const error = failure(spine('query', 'sql', 'SELECT 1; DROP TABLE core_captures', '--json'));

    expect(error.code).toBe('INVALID_PARAMS');
    expect(error.message).toContain('more than one statement');
    expect(schemaAndCounts()).toEqual(before);
  });

  it('runs a SELECT with bound parameters, and a WITH … SELECT over a latest view', () => {
    const select = spine(
      'query',
      'sql',
      'SELECT capture_id, status FROM core_captures WHERE week_ending = ? AND tier = ?',
      '--param',
      WEEK,
      '--param',
      'OTC',
      '--json',
    );
    const withSelect = spine(
      'query',
      'sql',
      'WITH s AS (SELECT symbol FROM finra_otc_transparency_symbol_summary_latest) SELECT COUNT(*) AS n FROM s',
      '--json',
    );

    expect(select.code, select.stderr).toBe(0);
    expect(select.json<{ rows: unknown[] }>().rows).toEqual([{ capture_id: capture.captureId, status: 'published' }]);
    expect(withSelect.code, withSelect.stderr).toBe(0);
    expect(withSelect.json<{ rows: unknown[] }>().rows).toEqual([
      { n: before.counts['finra_otc_transparency_symbol_summary'] },
    ]);
  });

  it('binds a quoted --param as a value', () => {
    const res = spine(
      'query',
      'sql',
      'SELECT COUNT(*) AS n FROM core_captures WHERE capture_id = ?',
      '--param',
      "x' OR '1'='1",
      '--json',
    );

    expect(res.code, res.stderr).toBe(0);
    expect(res.json<{ rows: unknown[] }>().rows).toEqual([{ n: 0 }]);
  });
});
