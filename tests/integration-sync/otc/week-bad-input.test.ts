/**
 * Every bad-input class through the week pipeline (real dispatcher, temp SQLite file). Row-level problems
 * become core_rejects rows naming file, line and rule while the good rows are published; fatal problems
 * fail the execution with a specific message and leave nothing published.
 * Fixtures: tests/fixtures/otc/pipeline/ (see its README for what each line holds).
 */
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Spine } from '../../../src/app/spine.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import {
  capturesOf,
  count,
  latestViewCounts,
  otcLatestViews,
  pipelineFixture,
  rejectsOf,
  runPipeline,
  WEEK_PIPELINE,
} from './otc-pipeline-helpers.js';

let t: TempSpine;
let spine: Spine;

beforeEach(() => {
  // Retry back-off is not what these tests are about: run retries (if any) without waiting.
  t = openTempSpine({ sleep: () => Promise.resolve() });
  spine = t.spine;
});

afterEach(() => {
  t.cleanup();
});

const GOOD_KEYS = ['AAAA|OTCN', 'AAAA|OTCX', 'BBBB|OTCN'];

function acceptedKeys(): string[] {
  return (
    spine.db
      .prepare(
        `SELECT symbol || '|' || mpid AS k FROM finra_otc_transparency_venue_volume_latest ORDER BY symbol, mpid`,
      )
      .all() as { k: string }[]
  )
    .map((r) => r.k)
    .sort();
}

function rawKeys(): string[] {
  return (
    spine.db
      .prepare(`SELECT symbol || '|' || mpid AS k FROM finra_otc_transparency_raw_latest ORDER BY symbol, mpid`)
      .all() as { k: string }[]
  )
    .map((r) => r.k)
    .sort();
}

interface RowLevelCase {
  readonly title: string;
  readonly file: string;
  /** [line, stage, reason_code] in line order. */
  readonly rejects: readonly (readonly [number, 'INGEST' | 'NORMALIZE', string])[];
  readonly raw: readonly string[];
  readonly accepted: readonly string[];
  readonly detail?: RegExp;
}

const ROW_LEVEL: readonly RowLevelCase[] = [
  {
    title: 'rejects each non-numeric count (12x, 1000.5, 1e10, abc, empty) as BAD_NUMBER and publishes the rest',
    file: 'non-numeric_otc_20251215.psv',
    rejects: [
      [3, 'INGEST', 'BAD_NUMBER'],
      [5, 'INGEST', 'BAD_NUMBER'],
      [6, 'INGEST', 'BAD_NUMBER'],
      [7, 'INGEST', 'BAD_NUMBER'],
      [8, 'INGEST', 'BAD_NUMBER'],
    ],
    raw: GOOD_KEYS,
    accepted: GOOD_KEYS,
    detail: /totalWeekly(Share|Trade)/,
  },
  {
    title: 'rejects negative share and trade counts as NEGATIVE_SHARES / NEGATIVE_TRADES and publishes the rest',
    file: 'negative_otc_20251215.psv',
    rejects: [
      [3, 'NORMALIZE', 'NEGATIVE_SHARES'],
      [5, 'NORMALIZE', 'NEGATIVE_TRADES'],
    ],
    raw: ['AAAA|OTCN', 'AAAA|OTCX', 'BBBB|OTCN', 'CCCC|OTCN', 'DDDD|OTCN'],
    accepted: GOOD_KEYS,
    detail: /-5/,
  },
  {
    title: 'rejects a short row and a comma-delimited row as SHORT_ROW and publishes the rest',
    file: 'short-row_otc_20251215.psv',
    rejects: [
      [3, 'INGEST', 'SHORT_ROW'],
      [5, 'INGEST', 'SHORT_ROW'],
    ],
    raw: GOOD_KEYS,
    accepted: GOOD_KEYS,
    detail: /column/i,
  },
  {
    title: 'rejects a last line truncated mid-row (no final newline) as SHORT_ROW and publishes the rest',
    file: 'truncated-last-line_otc_20251215.psv',
    rejects: [[5, 'INGEST', 'SHORT_ROW']],
    raw: GOOD_KEYS,
    accepted: GOOD_KEYS,
  },
  {
    title:
      'rejects dates that are not real ISO dates (12/15/2025, Dec 15, 2025, 2025/12/15, 2025-02-30, not-a-date) as BAD_DATE',
    file: 'non-iso-dates_otc_20251215.psv',
    rejects: [
      [3, 'INGEST', 'BAD_DATE'],
      [4, 'INGEST', 'BAD_DATE'],
      [6, 'INGEST', 'BAD_DATE'],
      [7, 'INGEST', 'BAD_DATE'],
      [8, 'INGEST', 'BAD_DATE'],
    ],
    raw: GOOD_KEYS,
    accepted: GOOD_KEYS,
    detail: /lastUpdateDate/,
  },
  {
    title: 'keeps rows with an empty symbol or MPID in raw and rejects them in normalize as EMPTY_SYMBOL / EMPTY_MPID',
    file: 'empty-symbol-mpid_otc_20251215.psv',
    rejects: [
      [3, 'NORMALIZE', 'EMPTY_SYMBOL'],
      [5, 'NORMALIZE', 'EMPTY_MPID'],
      [6, 'NORMALIZE', 'EMPTY_SYMBOL'],
    ],
    raw: ['|OTCN', '$$$|OTCN', 'AAAA|OTCN', 'AAAA|OTCX', 'BBBB|OTCN', 'HHHH|'],
    accepted: GOOD_KEYS,
  },
  {
    title: 'drops a 0-share 0-trade row as ZERO_VOLUME but accepts 0 shares with trades and shares with 0 trades',
    file: 'zero-volume_otc_20251215.psv',
    rejects: [[3, 'NORMALIZE', 'ZERO_VOLUME']],
    raw: ['AAAA|OTCN', 'AAAA|OTCX', 'BBBB|OTCN', 'CCCC|OTCN', 'DDDD|OTCN', 'EEEE|OTCN'],
    accepted: ['AAAA|OTCN', 'AAAA|OTCX', 'BBBB|OTCN', 'DDDD|OTCN', 'EEEE|OTCN'],
  },
  {
    title: 'drops exact duplicate (symbol, MPID) rows, counts them and records each as DUPLICATE',
    file: 'duplicates-exact_otc_20251215.psv',
    rejects: [
      [4, 'INGEST', 'DUPLICATE'],
      [6, 'INGEST', 'DUPLICATE'],
    ],
    raw: GOOD_KEYS,
    accepted: GOOD_KEYS,
    detail: /line 2/,
  },
  {
    title: 'rejects every row of a (symbol, MPID) key whose rows disagree as CONFLICTING_DUPLICATE',
    file: 'duplicates-conflicting_otc_20251215.psv',
    rejects: [
      [3, 'INGEST', 'CONFLICTING_DUPLICATE'],
      [5, 'INGEST', 'CONFLICTING_DUPLICATE'],
      [6, 'INGEST', 'CONFLICTING_DUPLICATE'],
    ],
    raw: ['AAAA|OTCN', 'AAAA|OTCX'],
    accepted: ['AAAA|OTCN', 'AAAA|OTCX'],
    detail: /3, 5, 6/,
  },
];

describe('row-level bad input: the run completes and publishes the good rows', () => {
  for (const c of ROW_LEVEL) {
    it(c.title, async () => {
      const file = pipelineFixture(c.file);

      const exec = await runPipeline(spine, WEEK_PIPELINE, { file_path: file });

      expect(exec.errorMessage).toBeNull();
      expect(exec.status).toBe('completed');
      const captures = capturesOf(spine.db);
      expect(captures.map((x) => [x.week_ending, x.tier, x.status])).toEqual([['2025-12-12', 'OTC', 'published']]);
      const captureId = captures[0]?.capture_id;
      const rejects = rejectsOf(spine.db);
      expect(rejects.map((r) => [r.line_number, r.stage, r.reason_code])).toEqual(c.rejects);
      for (const r of rejects) {
        expect(r.source_locator).toBe(file);
        expect(r.capture_id).toBe(captureId);
        expect(r.execution_id).toBe(exec.id);
        expect(r.reason_detail).toMatch(c.detail ?? /\S/);
      }
      expect(exec.result?.['rejected']).toBe(c.rejects.length);
      expect(rawKeys()).toEqual([...c.raw].sort());
      expect(acceptedKeys()).toEqual([...c.accepted].sort());
      expect(count(spine.db, `SELECT COUNT(*) AS n FROM finra_otc_transparency_symbol_summary_latest`)).toBe(
        new Set(c.accepted.map((k) => k.split('|')[0])).size,
      );
    });
  }

  it('reports how many exact duplicates it dropped', async () => {
    const exec = await runPipeline(spine, WEEK_PIPELINE, {
      file_path: pipelineFixture('duplicates-exact_otc_20251215.psv'),
    });

    expect(exec.result).toMatchObject({ rows_in: 5, accepted: 3, rejected: 2, duplicates_dropped: 2 });
  });

  it('rejects a symbol that collides with another after cleaning (AA$AA vs AAAA on OTCN) as KEY_COLLISION, keeping the first row', async () => {
    // domain-spec §11.1: `AA$PL` is cleaned to `AAPL` "and may then collide with a real AAPL row"; the issue
    // requires every row-level problem to become a reject naming file and line, never a crash.
    const file = pipelineFixture('symbol-collision_otc_20251215.psv');

    const exec = await runPipeline(spine, WEEK_PIPELINE, { file_path: file });

    expect({ status: exec.status, error: exec.errorMessage }).toEqual({ status: 'completed', error: null });
    const [capture] = capturesOf(spine.db);
    expect(capture?.status).toBe('published');
    expect(rejectsOf(spine.db)).toEqual([
      {
        stage: 'NORMALIZE',
        reason_code: 'KEY_COLLISION',
        reason_detail: "KEY_COLLISION: symbol 'AA$AA' cleans to AAAA, which line 2 already has for MPID OTCN",
        source_locator: file,
        line_number: 3,
        capture_id: capture?.capture_id,
        execution_id: exec.id,
      },
    ]);
    expect(exec.result).toMatchObject({ rows_in: 3, accepted: 2, rejected: 1, duplicates_dropped: 0 });
    // Raw keeps the source symbol; venue_volume keeps line 2's AAAA/OTCN (1000 shares), not line 3's 300.
    expect(rawKeys()).toEqual(['AA$AA|OTCN', 'AAAA|OTCN', 'BBBB|OTCN']);
    expect(acceptedKeys()).toEqual(['AAAA|OTCN', 'BBBB|OTCN']);
    expect(
      count(
        spine.db,
        `SELECT total_shares AS n FROM finra_otc_transparency_venue_volume_latest WHERE symbol = 'AAAA' AND mpid = 'OTCN'`,
      ),
    ).toBe(1000);
  });
});

interface FatalCase {
  readonly title: string;
  /** A fixture name, or a function writing the file into the test's temp dir and returning its path. */
  readonly file: string | ((dir: TempSpine['dir']) => string);
  readonly params?: Readonly<Record<string, string>>;
  readonly code: string;
  /** What the message must say besides the file path. */
  readonly says: readonly (string | RegExp)[];
}

/** 4 KiB of deterministic noise (a fixed-seed LCG), so the test is the same on every run. */
function randomBytes(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const FATAL: readonly FatalCase[] = [
  {
    title: 'fails an empty file with NO_DATA_ROWS',
    file: 'empty_otc_20251215.psv',
    code: 'SOURCE_ERROR',
    says: ['NO_DATA_ROWS'],
  },
  {
    title: 'fails a header-only file with NO_DATA_ROWS',
    file: 'header-only_otc_20251215.psv',
    code: 'SOURCE_ERROR',
    says: ['NO_DATA_ROWS'],
  },
  {
    title: 'fails a comma-delimited file at line 1 with HEADER_MISSING_COLUMN',
    file: 'wrong-header-comma_otc_20251215.psv',
    code: 'SOURCE_ERROR',
    says: [' line 1: HEADER_MISSING_COLUMN'],
  },
  {
    title: 'fails a file with an unknown header (format C) at line 1 with HEADER_MISSING_COLUMN',
    file: 'wrong-header-format-c_otc_20251215.psv',
    code: 'SOURCE_ERROR',
    says: [' line 1: HEADER_MISSING_COLUMN'],
  },
  {
    title: 'fails a file of random bytes with HEADER_MISSING_COLUMN at its first line',
    file: (dir) => {
      const path = dir.join('random-bytes_otc_20251215.psv');
      writeFileSync(path, randomBytes(4096, 20251215));
      return path;
    },
    code: 'SOURCE_ERROR',
    says: [/ line \d+: HEADER_MISSING_COLUMN/],
  },
  {
    title: 'fails an OTC file run with --tier NMS_TIER_1 with TIER_MISMATCH naming line 2 and both tiers',
    file: 'good_otc_20251215.psv',
    params: { tier: 'NMS_TIER_1' },
    code: 'SOURCE_ERROR',
    says: [' line 2: TIER_MISMATCH', "'OTC'", 'NMS_TIER_1'],
  },
  {
    title:
      'fails a file whose tierDescription turns to NMS Tier 1 at line 4 with TIER_MISMATCH naming line 4 and both tiers',
    file: 'tier-mismatch-mid-file_otc_20251215.psv',
    code: 'SOURCE_ERROR',
    says: [' line 4: TIER_MISMATCH', "'NMS Tier 1'", 'OTC', 'NMS_TIER_1'],
  },
  {
    title: 'fails a file whose every data row is rejected with NO_VALID_ROWS',
    file: 'all-rows-bad_otc_20251215.psv',
    code: 'SOURCE_ERROR',
    says: ['NO_VALID_ROWS'],
  },
  {
    title: 'fails with INVALID_TIER when neither --tier, the file name nor the tierDescription gives a tier',
    file: 'unknown-tier-no-hint.psv',
    code: 'INVALID_TIER',
    says: [],
  },
];

describe('fatal bad input: the execution fails naming the file and nothing is published', () => {
  for (const c of FATAL) {
    it(c.title, async () => {
      const file = typeof c.file === 'string' ? pipelineFixture(c.file) : c.file(t.dir);

      const exec = await runPipeline(spine, WEEK_PIPELINE, { file_path: file, ...c.params });

      expect(exec.status).toBe('failed');
      expect(exec.errorCode).toBe(c.code);
      expect(exec.errorStage).toBe('ingest');
      expect(exec.errorMessage).toContain(file);
      for (const s of c.says) {
        if (typeof s === 'string') expect(exec.errorMessage).toContain(s);
        else expect(exec.errorMessage).toMatch(s);
      }
      expect(exec.attempts).toBe(1);
      expect(capturesOf(spine.db).filter((x) => x.status === 'published')).toEqual([]);
      expect(otcLatestViews(spine.db).length).toBeGreaterThanOrEqual(9);
      expect(Object.values(latestViewCounts(spine.db)).every((n) => n === 0)).toBe(true);
      expect(count(spine.db, `SELECT COUNT(*) AS n FROM core_captures_latest`)).toBe(0);
    });
  }

  it('keeps the rows read before a mid-file TIER_MISMATCH out of every latest view', async () => {
    const exec = await runPipeline(spine, WEEK_PIPELINE, {
      file_path: pipelineFixture('tier-mismatch-mid-file_otc_20251215.psv'),
    });

    expect(exec.status).toBe('failed');
    expect(count(spine.db, `SELECT COUNT(*) AS n FROM finra_otc_transparency_raw_latest`)).toBe(0);
    expect(count(spine.db, `SELECT COUNT(*) AS n FROM finra_otc_transparency_venue_volume`)).toBe(0);
    expect(capturesOf(spine.db).map((x) => x.status)).not.toContain('published');
  });

  it('records the rejects of a file whose every row is bad against a capture that is never published', async () => {
    const file = pipelineFixture('all-rows-bad_otc_20251215.psv');

    await runPipeline(spine, WEEK_PIPELINE, { file_path: file });

    expect(rejectsOf(spine.db).map((r) => [r.line_number, r.reason_code, r.source_locator])).toEqual([
      [2, 'BAD_NUMBER', file],
      [3, 'SHORT_ROW', file],
    ]);
    expect(capturesOf(spine.db).map((x) => x.status)).toEqual(['failed']);
  });
});
