// Runs diffCaptures once in its own process (so the parent can bound it with a timeout). Prints JSON.
// Usage: node bench/captures/diff-child.mjs DB_PATH CAPTURE_A CAPTURE_B
import { dist, msSince, nowNs } from '../lib/common.mjs';

const [dbPath, a, b] = process.argv.slice(2);
const [{ openDatabase }, { diffCaptures }] = await Promise.all([
  dist('core/db/open-database.js'),
  dist('domains/otc/captures/diff.js'),
]);
const db = openDatabase(dbPath);
const t0 = nowNs();
const r = diffCaptures(db, a, b, 'otc.venue_volume');
const ms = msSince(t0);
db.close();
process.stdout.write(`${JSON.stringify({ ms, summary: r.summary, changes: r.changes.length })}\n`);
