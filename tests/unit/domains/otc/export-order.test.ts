import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../../src/core/db/open-database.js';
import { DATASETS } from '../../../../src/domains/otc/query/datasets.js';
import { planDatasetQuery } from '../../../../src/domains/otc/query/query-service.js';
import { openTempDb, tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';

let dir: TempDir;
let db: Db;
beforeAll(() => {
  dir = tempDir();
  db = openTempDb(dir.join('spine.db'));
});
afterAll(() => {
  db.close();
  dir.cleanup();
});

/**
 * `spine export` streams one capture at a time in the dataset's exportOrder. With temp_store=MEMORY a
 * full sort would hold the whole capture in memory, so the order must be the capture index's own.
 */
describe('export order', () => {
  it.each(DATASETS.map((d) => [d.name, d.exportOrder]))('%s reads a capture in index order (%s)', (name) => {
    const ds = DATASETS.find((d) => d.name === name);
    const plan = planDatasetQuery(db, { dataset: name, asOf: { kind: 'latest' } });
    const order = (ds?.exportOrder ?? '')
      .split(',')
      .map((c) => `t.${c.trim()}`)
      .join(', ');
    const { sql, args } = plan.select({ captureIds: ['finra.otc_transparency:OTC:2025-12-12:abcdef'], order });
    const steps = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
    expect(steps.join(' | ')).toMatch(/USING INDEX \S+_capture \(capture_id=\?\)/);
    // A sort of ties inside one key value (LAST n TERMS) is bounded; a sort of the whole capture is not.
    expect(steps.filter((s) => s.includes('USE TEMP B-TREE FOR ORDER BY'))).toEqual([]);
  });
});
