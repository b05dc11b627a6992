import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { partitionKey, WorkManifest } from '../../../src/core/manifest/work-manifest.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const STAGES = ['ingest', 'normalize', 'aggregate'] as const;

let dir: TempDir;
let db: Db;

beforeEach(() => {
  dir = tempDir();
  db = openTempDb(dir.join('spine.db'));
});

afterEach(() => {
  db.close();
  dir.cleanup();
});

describe('partitionKey', () => {
  it('encodes the parts once as JSON with sorted keys, whatever the insertion order', () => {
    const a = partitionKey({ week_ending: '2025-12-12', tier: 'OTC' });
    const b = partitionKey({ tier: 'OTC', week_ending: '2025-12-12' });

    expect(a).toBe('{"tier":"OTC","week_ending":"2025-12-12"}');
    expect(b).toBe(a);
    expect(JSON.parse(a)).toEqual({ tier: 'OTC', week_ending: '2025-12-12' });
  });
});

describe('WorkManifest', () => {
  const key = partitionKey({ tier: 'OTC', week_ending: '2025-12-12' });

  it('upserts one row per stage and partition, keeping the latest values', () => {
    const manifest = new WorkManifest(db, 'otc', STAGES, fixedClock('2025-12-15T10:00:00.000Z', 60_000));

    manifest.advanceTo(key, 'ingest', { rowCount: 100, executionId: 'e-1', batchId: 'b-1', captureId: 'c-1' });
    manifest.advanceTo(key, 'ingest', { rowCount: 120, executionId: 'e-2', batchId: 'b-2', metrics: { rejected: 3 } });

    const rows = db.prepare('SELECT * FROM core_manifest').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      domain: 'otc',
      partition_key: key,
      stage: 'ingest',
      stage_rank: 0,
      row_count: 120,
      metrics_json: '{"rejected":3}',
      capture_id: null,
      execution_id: 'e-2',
      batch_id: 'b-2',
      updated_at: '2025-12-15T10:01:00.000Z',
    });
    expect(manifest.get(key)).toEqual([
      {
        stage: 'ingest',
        stageRank: 0,
        rowCount: 120,
        metrics: { rejected: 3 },
        captureId: null,
        executionId: 'e-2',
        batchId: 'b-2',
        updatedAt: '2025-12-15T10:01:00.000Z',
      },
    ]);
  });

  it('stores metrics_json as null when there are no metrics', () => {
    const manifest = new WorkManifest(db, 'otc', STAGES);
    manifest.advanceTo(key, 'normalize', { metrics: {} });

    expect(db.prepare('SELECT metrics_json, row_count FROM core_manifest').get()).toEqual({
      metrics_json: null,
      row_count: null,
    });
  });

  it('keeps partitions and domains apart', () => {
    const otc = new WorkManifest(db, 'otc', STAGES);
    const other = new WorkManifest(db, 'other', STAGES);
    const nextWeek = partitionKey({ tier: 'OTC', week_ending: '2025-12-19' });
    otc.advanceTo(key, 'aggregate');
    other.advanceTo(nextWeek, 'ingest');

    expect(otc.get(nextWeek)).toEqual([]);
    expect(other.get(key)).toEqual([]);
    expect(otc.latestStage(key)?.stage).toBe('aggregate');
  });

  it('answers isAtLeast from the highest recorded rank, so a later stage implies the earlier ones', () => {
    const manifest = new WorkManifest(db, 'otc', STAGES);
    expect(manifest.isAtLeast(key, 'ingest')).toBe(false);

    manifest.advanceTo(key, 'normalize');

    expect(manifest.isAtLeast(key, 'ingest')).toBe(true);
    expect(manifest.isAtLeast(key, 'normalize')).toBe(true);
    expect(manifest.isAtLeast(key, 'aggregate')).toBe(false);
    expect(manifest.hasStage(key, 'ingest')).toBe(false);
    expect(manifest.hasStage(key, 'normalize')).toBe(true);
  });

  it('returns stages in rank order and the highest as latestStage', () => {
    const manifest = new WorkManifest(db, 'otc', STAGES);
    manifest.advanceTo(key, 'aggregate');
    manifest.advanceTo(key, 'ingest');

    expect(manifest.get(key).map((e) => [e.stage, e.stageRank])).toEqual([
      ['ingest', 0],
      ['aggregate', 2],
    ]);
    expect(manifest.latestStage(key)?.stage).toBe('aggregate');
  });

  it('refuses an unknown stage with a message listing the valid stages', () => {
    const manifest = new WorkManifest(db, 'otc', STAGES);

    expect(() => manifest.advanceTo(key, 'publish')).toThrow(
      "Unknown stage 'publish'. Valid stages: [ingest, normalize, aggregate]",
    );
    expect(db.prepare('SELECT COUNT(*) AS n FROM core_manifest').get()).toEqual({ n: 0 });
    manifest.advanceTo(key, 'ingest');
    expect(() => manifest.isAtLeast(key, 'publish')).toThrow(/Unknown stage 'publish'/);
  });
});
