// Which index serves which query (issue 12: "secondary indexes exist only where a documented query plan
// uses them"). Runs, in process on a fresh database, what touches the OTC tables: both sample weeks through
// the week pipeline (the second one twice, so two captures of one week exist), every `spine query` dataset
// as of latest (plain, --symbol, --top), `verify data`, `captures diff`, `captures gc --keep 1`. Every
// statement prepared meanwhile is recorded; each one that reads or writes a finra_otc_* table is then
// EXPLAINed (QUERY PLAN, parameters bound to NULL: the plan does not depend on the values), and the script
// prints, per index, the statements whose plan uses it, and the indexes no statement uses.
// Usage: npm run build && node scripts/index-plans.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dist = (rel) => import(pathToFileURL(join(ROOT, 'dist', rel)).href);
const Database = createRequire(import.meta.url)('better-sqlite3');

const seen = new Set();
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function recordingPrepare(sql, ...rest) {
  seen.add(sql);
  return prepare.call(this, sql, ...rest);
};

const [{ createSpine }, { silentLogger }, { queryDataset }, { DATASETS }, { verifyData }, { diffCaptures }] =
  await Promise.all([
    dist('app/spine.js'),
    dist('core/logging/logger.js'),
    dist('domains/otc/query/query-service.js'),
    dist('domains/otc/query/datasets.js'),
    dist('domains/otc/query/verify.js'),
    dist('domains/otc/captures/diff.js'),
  ]);

const dir = mkdtempSync(join(tmpdir(), 'spine-index-plans-'));
try {
  const spine = createSpine({ log: silentLogger, dbPath: join(dir, 'spine.db') });
  const sample = (d) => join(ROOT, 'data', 'samples', `finra_otc_weekly_otc_${d}.csv`);
  for (const [d, force] of [
    ['20251215', false],
    ['20251222', false],
    ['20251222', true],
  ]) {
    const r = await spine.dispatcher.submit('finra.otc_transparency.week', { file_path: sample(d), force });
    if (r.status !== 'completed') throw new Error(`week ${d} ended ${r.status}: ${r.errorMessage}`);
  }
  const week = '2025-12-19';
  for (const ds of DATASETS) {
    const q = { dataset: ds.name, weeks: [week], tier: 'OTC', asOf: { kind: 'latest' } };
    queryDataset(spine.db, q);
    queryDataset(spine.db, { ...q, top: 20 });
    try {
      queryDataset(spine.db, { ...q, symbol: 'AAPL' });
    } catch {
      // a dataset without a symbol column refuses --symbol
    }
  }
  verifyData(spine.db, {});
  const caps = spine.db
    .prepare(`SELECT capture_id FROM core_captures WHERE week_ending = ? ORDER BY captured_at`)
    .all(week)
    .map((r) => r.capture_id);
  diffCaptures(spine.db, caps[0], caps[1]);
  const gc = await spine.dispatcher.submit('captures.gc', { keep: 1 });
  if (gc.status !== 'completed') throw new Error(`gc ended ${gc.status}`);

  const db = spine.db;
  const indexes = db
    .prepare(
      `SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'finra_otc%' ORDER BY tbl_name, name`,
    )
    .all();
  const uses = new Map(indexes.map((i) => [i.name, []]));
  for (const sql of seen) {
    if (!/finra_otc/i.test(sql) || /^\s*(CREATE|DROP|ALTER|PRAGMA)/i.test(sql)) continue;
    let plan;
    try {
      const stmt = prepare.call(db, `EXPLAIN QUERY PLAN ${sql}`);
      const names = [...sql.matchAll(/[@:$]([A-Za-z_]\w*)/g)].map((m) => m[1]);
      const positional = (sql.match(/\?/g) ?? []).length;
      plan = names.length
        ? stmt.all(Object.fromEntries(names.map((n) => [n, null])))
        : stmt.all(...Array(positional).fill(null));
    } catch {
      continue;
    }
    const short = sql.replace(/\s+/g, ' ').trim();
    for (const step of plan) {
      const m = /USING (?:COVERING )?INDEX (\S+)(?: \(([^)]*)\))?/.exec(step.detail);
      const auto = /sqlite_autoindex_(\S+)/.exec(step.detail);
      const name = m?.[1] ?? (auto ? `sqlite_autoindex_${auto[1]}` : undefined);
      if (name && uses.has(name)) uses.get(name).push({ sql: short, detail: step.detail });
    }
  }
  for (const ix of indexes) {
    const list = uses.get(ix.name);
    console.log(`\n## ${ix.name} on ${ix.tbl_name} ${ix.sql ? ix.sql.replace(/^.*? ON \S+ /s, '') : '(UNIQUE key)'}`);
    if (list.length === 0)
      console.log(
        ix.name.startsWith('sqlite_autoindex_')
          ? '  no statement reads through it: the UNIQUE constraint itself (one row per key and capture)'
          : '  UNUSED by every statement above',
      );
    const distinct = new Map(list.map((u) => [u.sql, u.detail]));
    for (const [sql, detail] of distinct)
      console.log(`  - ${detail}\n      ${sql.slice(0, 220)}${sql.length > 220 ? '…' : ''}`);
  }
  spine.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
