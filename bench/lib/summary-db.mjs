// Builds the "156 weeks × 3 tiers × 3 captures" database of issues 6 and 7: published captures in
// core_captures and ~10,000 rows per (week, tier, capture) in finra_otc_transparency_symbol_summary.
// One prepared INSERT, one transaction per week; a time budget scales the week count down (and the
// caller prints the scale used) when the machine is too slow to build the full size in time.
import { dist, msSince, nowNs, rng } from './common.mjs';

export const DOMAIN = 'finra.otc_transparency';
export const TIERS = ['OTC', 'NMS_TIER_1', 'NMS_TIER_2'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Fridays, oldest first, ending on `last`. */
export function fridays(count, last = '2025-12-12') {
  const end = Date.parse(`${last}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(end - (count - 1 - i) * 7 * 86_400_000).toISOString().slice(0, 10),
  );
}

/** Revision k of week W is captured k weeks after its first capture (the Tuesday after W at 10:00 UTC). */
export function capturedAtDate(week, k) {
  return new Date(Date.parse(`${week}T10:00:00Z`) + (4 + 7 * k) * 86_400_000);
}

export function symbolPool(n, seed = 3) {
  const rand = rng(seed);
  const set = new Set();
  while (set.size < n) {
    const len = 3 + Math.floor(rand() * 3);
    let s = '';
    for (let i = 0; i < len; i++) s += LETTERS[Math.floor(rand() * 26)];
    set.add(s);
  }
  return [...set].sort();
}

/**
 * Fills `db` (migrated, empty). Returns { weeks, tiers, captures: [{capture_id, week, tier, k, captured_at}],
 * rows, ms, scaledDown }. Pragmas are relaxed while building (journal off, big cache) and restored after.
 */
export async function buildSummaryDb(
  db,
  { weeks = 156, capturesPer = 3, symbols = 10_000, budgetMs = 180_000, log = () => {} } = {},
) {
  const [{ makeCaptureId }, { formatCapturedAt, formatUtc }] = await Promise.all([
    dist('core/ids.js'),
    dist('core/clock.js'),
  ]);
  const weekList = fridays(weeks);
  const pool = symbolPool(symbols * 2);
  // Tiers trade overlapping symbol sets (as in FINRA's data): OTC the first N, tier 1 and 2 shifted.
  const tierSymbols = TIERS.map((_, t) =>
    pool.slice(Math.floor((t * symbols) / 2), Math.floor((t * symbols) / 2) + symbols),
  );
  const rand = rng(5);
  const baseVolume = pool.map(() =>
    Math.exp(9 + 2.2 * Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand())),
  );
  const poolIndex = new Map(pool.map((s, i) => [s, i]));
  const issueName = pool.map((s) => `${s} Holdings Inc Common Stock`);

  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -2000000');
  const insCapture = db.prepare(`INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at,
      source_last_update_date, source, status, row_counts, content_hash, execution_id, batch_id, quality_status,
      created_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, 'PASS', ?, ?)`);
  const insRow = db.prepare(`INSERT INTO finra_otc_transparency_symbol_summary (week_ending, tier, symbol, issue_name,
      total_volume, total_trades, venue_count, avg_trade_size, source_last_update_date, calculated_at, execution_id,
      batch_id, captured_at, capture_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const captures = [];
  let rows = 0;
  const t0 = nowNs();
  let done = 0;
  for (const week of weekList) {
    db.transaction(() => {
      for (const [t, tier] of TIERS.entries()) {
        for (let k = 0; k < capturesPer; k++) {
          const at = capturedAtDate(week, k);
          const capturedAt = formatCapturedAt(at);
          const captureId = makeCaptureId(DOMAIN, tier, week, capturedAt);
          const exec = `${week.replaceAll('-', '')}-${t}${k}00-4000-8000-000000000000`;
          const batch = `week_${capturedAt.replace(/[-:]/g, '').slice(0, 15)}_${t}${k}000000`;
          const update = new Date(Date.parse(`${week}T00:00:00Z`) + (3 + 7 * k) * 86_400_000)
            .toISOString()
            .slice(0, 10);
          const calcAt = formatUtc(at);
          insCapture.run(
            captureId,
            DOMAIN,
            week,
            tier,
            capturedAt,
            update,
            `finra_otc_weekly_${tier.toLowerCase()}.csv`,
            JSON.stringify({ finra_otc_transparency_symbol_summary: symbols }),
            captureId.slice(-6).repeat(5),
            exec,
            batch,
            calcAt,
            calcAt,
          );
          for (const sym of tierSymbols[t]) {
            const i = poolIndex.get(sym);
            const vol = Math.max(
              1,
              Math.round(baseVolume[i] * (0.5 + rand()) * (k === 0 ? 1 : 1 + (rand() - 0.5) * 0.02)),
            );
            const trades = Math.max(1, Math.round(vol / (100 + rand() * 900)));
            insRow.run(
              week,
              tier,
              sym,
              issueName[i],
              vol,
              trades,
              1 + Math.floor(rand() * 12),
              vol / trades,
              update,
              calcAt,
              exec,
              batch,
              capturedAt,
              captureId,
            );
          }
          rows += tierSymbols[t].length;
          captures.push({ capture_id: captureId, week, tier, k, captured_at: capturedAt });
        }
      }
    })();
    done++;
    const elapsed = msSince(t0);
    if (done % 13 === 0)
      log(
        `  … ${done}/${weekList.length} weeks, ${rows.toLocaleString('en-US')} rows, ${(elapsed / 1000).toFixed(0)} s`,
      );
    if (elapsed > budgetMs && done < weekList.length) break;
  }
  db.pragma('analysis_limit = 1000'); // approximate statistics: seconds instead of a minute on 14M rows
  db.exec('ANALYZE');
  db.pragma('cache_size = -65536');
  db.pragma('synchronous = NORMAL');
  db.pragma('journal_mode = WAL');
  return {
    weeks: weekList.slice(0, done),
    weeksRequested: weekList.length,
    tiers: TIERS,
    captures,
    rows,
    symbols,
    capturesPer,
    ms: msSince(t0),
    scaledDown: done < weekList.length,
  };
}
