/**
 * Fatal bad input through the BUILT `spine` binary (`node bin/run.js`, run `npm run build` first): a
 * non-zero exit, `Error [CODE]: …` naming file and rule on stderr, `{error: {code, …}}` with `--json`,
 * and no published capture in the database the CLI wrote.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { pipelineFixture, WEEK_PIPELINE } from './otc-pipeline-helpers.js';

interface ErrorJson {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly exitCode: number;
    readonly details: Record<string, unknown>;
  };
}

let dir: TempDir;
let dbPath: string;

beforeEach(() => {
  dir = tempDir('spine-otc-cli-');
  dbPath = dir.join('spine.db');
});

afterEach(() => {
  dir.cleanup();
});

function publishedCaptures(): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM core_captures WHERE status = 'published'`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('spine run finra.otc_transparency.week on bad files (built CLI)', () => {
  it('exits 0 and publishes a capture for a good file (control)', () => {
    const res = runCli(['run', WEEK_PIPELINE, '--file', pipelineFixture('good_otc_20251215.psv')], { dbPath });

    expect(res.stderr).not.toContain('Error [');
    expect(res.code).toBe(0);
    expect(publishedCaptures()).toBe(1);
  });

  it('exits non-zero and prints Error [SOURCE_ERROR] naming the file, line 1 and HEADER_MISSING_COLUMN for a comma file', () => {
    const file = pipelineFixture('wrong-header-comma_otc_20251215.psv');

    const res = runCli(['run', WEEK_PIPELINE, '--file', file], { dbPath });

    expect(res.code).toBe(1);
    const line = res.stderr.split('\n').find((l) => l.startsWith('Error ['));
    expect(line).toBeDefined();
    expect(line).toMatch(/^Error \[SOURCE_ERROR\]: /);
    expect(line).toContain(`${file} line 1: HEADER_MISSING_COLUMN`);
    expect(publishedCaptures()).toBe(0);
  });

  it('prints {error: {code: SOURCE_ERROR, …}} naming file and rule with --json', () => {
    const file = pipelineFixture('wrong-header-comma_otc_20251215.psv');

    const res = runCli(['run', WEEK_PIPELINE, '--file', file, '--json'], { dbPath });

    expect(res.code).toBe(1);
    const body = res.json<ErrorJson>();
    expect(body.error.code).toBe('SOURCE_ERROR');
    expect(body.error.exitCode).toBe(1);
    expect(body.error.message).toContain(file);
    expect(body.error.message).toContain('line 1: HEADER_MISSING_COLUMN');
    expect(publishedCaptures()).toBe(0);
  });

  it('exits non-zero with TIER_MISMATCH naming file, line 2 and both tiers when --tier contradicts the file', () => {
    const file = pipelineFixture('good_otc_20251215.psv');

    const text = runCli(['run', WEEK_PIPELINE, '--file', file, '--tier', 'tier1'], { dbPath });
    const json = runCli(['run', WEEK_PIPELINE, '--file', file, '--tier', 'tier1', '--json'], { dbPath });

    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/Error \[SOURCE_ERROR\]: .*line 2: TIER_MISMATCH/);
    expect(text.stderr).toContain(file);
    expect(text.stderr).toContain('NMS_TIER_1');
    expect(text.stderr).toContain("'OTC'");
    expect(json.code).toBe(1);
    const body = json.json<ErrorJson>();
    expect(body.error.code).toBe('SOURCE_ERROR');
    expect(body.error.message).toContain(`${file} line 2: TIER_MISMATCH`);
    expect(body.error.message).toContain('NMS_TIER_1');
    expect(publishedCaptures()).toBe(0);
  });

  it('exits non-zero with NO_DATA_ROWS naming the file for a header-only file', () => {
    const file = pipelineFixture('header-only_otc_20251215.psv');

    const res = runCli(['run', WEEK_PIPELINE, '--file', file, '--json'], { dbPath });

    expect(res.code).toBe(1);
    const body = res.json<ErrorJson>();
    expect(body.error.code).toBe('SOURCE_ERROR');
    expect(body.error.message).toContain(`${file}: NO_DATA_ROWS`);
    expect(publishedCaptures()).toBe(0);
  });
});
