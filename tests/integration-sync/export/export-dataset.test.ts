/**
 * Issue 15: the export writers of src/core/export called in-process (exportDataset, verifyExport) on a real
 * SQLite file holding the two shipped weeks, read back by pyarrow. tests/e2e/export.e2e.test.ts checks the
 * same through the built binary; this file is the one mutation testing can run (it does not spawn dist/).
 * Parquet is written with a small row group (1,000 rows), so the writer's row-group and batch boundaries
 * are crossed many times on real data.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDataset } from '../../../src/app/export/export-dataset.js';
import type { ExportRequest, ExportResult } from '../../../src/app/export/export-dataset.js';
import { verifyExport } from '../../../src/app/export/verify-export.js';
import { fixedClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { SpineError } from '../../../src/core/errors.js';
import { MANIFEST_FILE, MANIFEST_VERSION, readManifest } from '../../../src/core/export/manifest.js';
import type { ExportFormat, ManifestSelectors } from '../../../src/core/export/manifest.js';
import { parseAsOf } from '../../../src/core/query/point-in-time.js';
import { queryDataset } from '../../../src/domains/otc/query/query-service.js';
import type { DatasetResult } from '../../../src/domains/otc/query/query-service.js';
import { copyDatabase, FIRST_RUN_AT, runWeekAt, SECOND_RUN_AT } from '../../fixtures/revised/captures.js';
import type { BuiltCapture } from '../../fixtures/revised/captures.js';
import { ensureExportReader, readExport } from '../../helpers/export-reader.js';
import type { ReadBackFile } from '../../helpers/export-reader.js';
import { canonicalQueryRows, canonicalReadRows, expectedTypes } from '../../helpers/export-rows.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const sample = (name: string): string => fileURLToPath(new URL(`../../../data/samples/${name}`, import.meta.url));
const WEEK_1 = '2025-12-12';
const WEEK_2 = '2025-12-19';
const FORMATS: readonly ExportFormat[] = ['parquet', 'csv', 'jsonl'];
const EXPORTED_AT = '2026-01-05T09:30:00.000Z';

const reader = ensureExportReader();
/** The read-back tests fail, never skip, without their independent reader. */
const requireReader = (): void => {
  if (!reader.ok) throw new Error(`export read-back needs pyarrow (scripts/install-test-tools.sh): ${reader.reason}`);
};

const SELECTORS: ManifestSelectors = {
  week: null,
  from: null,
  to: null,
  tier: null,
  symbol: null,
  mpid: null,
  as_of: 'latest',
  published_as_of: null,
};

let dir: TempDir;
let dbPath: string;
let db: Db;
let week1: BuiltCapture;
let week2: BuiltCapture;

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

function request(dataset: string, out: string, extra: Partial<ExportRequest> = {}): ExportRequest {
  return { dataset, selectors: SELECTORS, asOf: parseAsOf('latest'), format: 'parquet', out, ...extra };
}

function exportTo(target: Db, req: ExportRequest): Promise<ExportResult> {
  return exportDataset(target, req, {
    productVersion: '9.9.9-test',
    clock: fixedClock(EXPORTED_AT),
    parquetRowGroupRows: 1_000,
  });
}

beforeAll(async () => {
  requireReader();
  dir = tempDir('spine-export-inproc-');
  week1 = await runWeekAt(dir, 'spine.db', FIRST_RUN_AT, { file_path: sample('finra_otc_weekly_otc_20251215.csv') });
  week2 = await runWeekAt(dir, 'spine.db', SECOND_RUN_AT, { file_path: sample('finra_otc_weekly_otc_20251222.csv') });
  dbPath = dir.join('spine.db');
  db = openTempDb(dbPath);
}, 180_000);

afterAll(() => {
  db.close();
  dir.cleanup();
});

describe.each(['otc.venue_volume', 'otc.venue_share'])('exportDataset %s', (dataset) => {
  let query: DatasetResult;
  beforeAll(() => {
    query = queryDataset(db, { dataset, asOf: parseAsOf('latest') });
    expect(query.count).toBeGreaterThan(10);
  });

  it.each(FORMATS)(
    '%s: the rows, types and clocks of spine query; a manifest whose hashes and counts hold',
    async (format) => {
      const out = dir.join(`${dataset}-${format}`);
      const { manifest, out: written } = await exportTo(db, request(dataset, out, { format }));
      expect(written).toBe(out);
      const types = expectedTypes(query.rows);
      const columns = Object.keys(types);

      expect(manifest).toMatchObject({
        manifest_version: MANIFEST_VERSION,
        product: { name: 'market-spine', version: '9.9.9-test' },
        exported_at: EXPORTED_AT,
        dataset,
        format,
        partitioned: false,
        selectors: SELECTORS,
        as_of: 'latest',
        missing: [],
        row_count: query.count,
      });
      expect(manifest.columns.map((c) => c.name)).toEqual(columns);
      for (const c of manifest.columns) {
        if (format === 'parquet') expect(c.parquet_type).toBeDefined();
        else expect(c.parquet_type).toBeUndefined();
      }
      expect(manifest.captures.map((c) => [c.capture_id, c.week_ending, c.tier, c.captured_at, c.status])).toEqual([
        [week1.captureId, WEEK_1, 'OTC', week1.capturedAt, 'published'],
        [week2.captureId, WEEK_2, 'OTC', week2.capturedAt, 'published'],
      ]);
      expect(manifest.captures.map((c) => c.execution_id)).toEqual([week1.executionId, week2.executionId]);
      expect(manifest.captures.reduce((n, c) => n + c.rows, 0)).toBe(query.count);

      expect(manifest.files).toHaveLength(1);
      const file = manifest.files[0] as (typeof manifest.files)[number];
      expect(file.path).toBe(`${dataset}.${format}`);
      expect(file.rows).toBe(query.count);
      expect(file.capture_ids).toEqual([week1.captureId, week2.captureId]);
      expect(file.sha256).toBe(sha256(join(out, file.path)));
      expect(file.bytes).toBe(readFileSync(join(out, file.path)).length);
      expect(readdirSync(out).sort()).toEqual([file.path, MANIFEST_FILE].sort());
      // The manifest on disk is the one returned, and reads back through readManifest.
      expect(readManifest(out)).toEqual(manifest);

      const [read] = readExport(out).files as [ReadBackFile];
      expect(read.schema).toEqual(columns.map((c) => [c, types[c]]));
      expect(read.rows).toHaveLength(query.count);
      expect(canonicalReadRows(read)).toEqual(canonicalQueryRows(query.rows, types));
    },
  );
});

describe('exportDataset options', () => {
  it('partition: one file per week and tier, each with its capture and rows', async () => {
    const out = dir.join('partitioned', 'deeper');
    const { manifest } = await exportTo(db, request('otc.venue_volume', out, { partition: true }));
    expect(manifest.partitioned).toBe(true);
    expect(manifest.files.map((f) => [f.path, f.week_ending, f.tier, f.capture_ids])).toEqual([
      [`otc.venue_volume.${WEEK_1}.OTC.parquet`, WEEK_1, 'OTC', [week1.captureId]],
      [`otc.venue_volume.${WEEK_2}.OTC.parquet`, WEEK_2, 'OTC', [week2.captureId]],
    ]);
    const read = readExport(out).files;
    for (const [i, f] of manifest.files.entries()) {
      const capture = manifest.captures.find((c) => c.capture_id === f.capture_ids[0]);
      expect(f.rows).toBe(capture?.rows);
      expect(read[i]?.rows).toHaveLength(f.rows);
      expect(new Set(read[i]?.rows.map((r) => r[0]))).toEqual(new Set([f.week_ending]));
      expect(f.sha256).toBe(sha256(join(out, f.path)));
    }
  });

  it('selectors narrow like spine query; an empty result is still a typed file', async () => {
    const out = dir.join('aabb');
    const selectors = { ...SELECTORS, week: WEEK_1, symbol: 'aabb' };
    const { manifest } = await exportTo(
      db,
      request('otc.venue_volume', out, { selectors, weeks: [WEEK_1], symbol: 'aabb' }),
    );
    const query = queryDataset(db, {
      dataset: 'otc.venue_volume',
      weeks: [WEEK_1],
      symbol: 'aabb',
      asOf: parseAsOf('latest'),
    });
    expect(query.count).toBeGreaterThan(0);
    expect(manifest.selectors).toEqual(selectors);
    expect(manifest.row_count).toBe(query.count);
    expect(manifest.captures.map((c) => [c.capture_id, c.rows])).toEqual([[week1.captureId, query.count]]);

    const empty = dir.join('empty');
    const none = await exportTo(db, request('otc.venue_volume', empty, { symbol: 'NOSUCHSYMBOL' }));
    expect(none.manifest.row_count).toBe(0);
    const [read] = readExport(empty).files as [ReadBackFile];
    expect(read.rows).toEqual([]);
    expect(read.schema.find(([c]) => c === 'total_shares')).toEqual(['total_shares', 'int64']);
  });

  it('a non-empty --out is refused unless force, which replaces it whole', async () => {
    const out = dir.join('occupied');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const refused = await exportTo(db, request('otc.venue_volume', out)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SpineError);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    await exportTo(db, request('otc.venue_volume', out, { force: true, format: 'csv' }));
    expect(readdirSync(out).sort()).toEqual([MANIFEST_FILE, 'otc.venue_volume.csv']);
  });

  it.each(FORMATS)(
    '%s: a stored value that is not a date stops it half-way and leaves nothing behind',
    async (format) => {
      const badDb = openTempDb(copyDatabase(dbPath, dir.join(`bad-${format}.db`)));
      try {
        // The last row of the second capture: the writer has already written the whole first capture.
        badDb
          .prepare(
            `UPDATE finra_otc_transparency_venue_volume SET source_last_update_date = '2025-13-40'
           WHERE id = (SELECT MAX(id) FROM finra_otc_transparency_venue_volume)`,
          )
          .run();
        const parent = dir.join(`half-${format}`);
        mkdirSync(parent);
        const err = await exportTo(badDb, request('otc.venue_volume', join(parent, 'new', 'out'), { format })).catch(
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(SpineError);
        expect((err as SpineError).message).toBe(
          `Cannot export column source_last_update_date: it holds '2025-13-40' (capture ${week2.captureId}), which is not a valid date`,
        );
        expect(readdirSync(parent)).toEqual([]);
      } finally {
        badDb.close();
      }
    },
  );
});

describe('verifyExport', () => {
  it('passes on a fresh export, and a re-export of the same captures is byte-identical', async () => {
    const out = dir.join('verify-ok');
    const first = (await exportTo(db, request('otc.venue_volume', out))).manifest;
    const result = verifyExport(db, out);
    expect(result).toMatchObject({ dataset: 'otc.venue_volume', exported_at: EXPORTED_AT, ok: true, failed: 0 });
    expect(result.checks.map((c) => [c.check, c.subject, c.status])).toEqual([
      ['file', 'otc.venue_volume.parquet', 'OK'],
      ['capture', week1.captureId, 'OK'],
      ['capture', week2.captureId, 'OK'],
    ]);
    const again = (await exportTo(db, request('otc.venue_volume', dir.join('verify-again')))).manifest;
    expect(again.files.map((f) => [f.path, f.sha256])).toEqual(first.files.map((f) => [f.path, f.sha256]));
  });

  it('fails on a changed file and names it; a missing file too', async () => {
    const out = dir.join('tampered');
    await exportTo(db, request('otc.venue_volume', out, { format: 'csv' }));
    const file = join(out, 'otc.venue_volume.csv');
    writeFileSync(file, readFileSync(file, 'utf8').replace('AABB', 'AABC'));
    const changed = verifyExport(db, out);
    expect(changed.ok).toBe(false);
    expect(changed.failed).toBe(1);
    const failed = changed.checks.find((c) => c.status === 'FAIL');
    expect(failed?.subject).toBe('otc.venue_volume.csv');
    expect(failed?.message).toMatch(/^changed since export: SHA-256/);
    expect(existsSync(join(out, MANIFEST_FILE))).toBe(true);
  });
});
