// One measured export (or the bare SELECT it is compared with) in its own process, so its peak RSS is its
// own. Prints one JSON line.
// Usage: node bench/export/child.mjs bare|parquet|csv|jsonl DB_PATH OUT_DIR
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dist, msSince, nowNs } from '../lib/common.mjs';

const [mode, dbPath, out] = process.argv.slice(2);
const [{ openDatabase }, { planDatasetQuery }, { exportDataset, EXPORT_CACHE_KIB }, { systemClock }] =
  await Promise.all([
    dist('core/db/open-database.js'),
    dist('domains/otc/query/query-service.js'),
    dist('app/export/export-dataset.js'),
    dist('core/clock.js'),
  ]);
const db = openDatabase(dbPath);
const DATASET = 'otc.venue_volume';
const asOf = { kind: 'latest' };
const cpu0 = process.cpuUsage();
const t0 = nowNs();
let rows = 0;
let bytes = 0;
if (mode === 'bare') {
  // Exactly the statement the export streams (same SQL, same order, raw rows, safe integers, same page
  // cache), doing nothing with the rows.
  db.pragma(`cache_size = -${EXPORT_CACHE_KIB}`);
  const plan = planDatasetQuery(db, { dataset: DATASET, asOf });
  const order = plan.dataset.exportOrder
    .split(',')
    .map((c) => `t.${c.trim()}`)
    .join(', ');
  for (const c of plan.captures) {
    const { sql, args } = plan.select({ captureIds: [c.capture_id], order });
    for (const _row of db
      .prepare(sql)
      .raw(true)
      .safeIntegers(true)
      .iterate(...args))
      rows++;
  }
} else {
  const selectors = {
    week: null,
    from: null,
    to: null,
    tier: null,
    symbol: null,
    mpid: null,
    as_of: 'latest',
    published_as_of: null,
  };
  const { manifest } = await exportDataset(
    db,
    { dataset: DATASET, selectors, asOf, format: mode, out },
    { productVersion: 'bench', clock: systemClock },
  );
  rows = manifest.row_count;
  bytes = readdirSync(out).reduce((n, f) => n + statSync(join(out, f)).size, 0);
}
const ms = msSince(t0);
const cpu = process.cpuUsage(cpu0);
db.close();
process.stdout.write(
  `${JSON.stringify({ mode, ms, cpu_ms: (cpu.user + cpu.system) / 1000, max_rss_bytes: process.resourceUsage().maxRSS * 1024, rows, bytes })}\n`,
);
