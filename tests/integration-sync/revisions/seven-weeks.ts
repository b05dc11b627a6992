/**
 * Seven consecutive OTC weeks (2025-10-31 … 2025-12-12) generated from the real FINRA sample of week
 * 2025-12-12: week i adds i × 1,000 shares to every row and is dated the Monday after it (file name and
 * lastUpdateDate), so every week is a full, plausible file and every rolling window differs. A revised copy
 * of a week doubles AABB's shares; a small NMS Tier 1 file shares symbols with it (cross-tier shares).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { addDays } from '../../../src/core/dates.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { SAMPLE_1215 } from '../otc/otc-pipeline-helpers.js';

export const WEEKS = ['2025-10-31', '2025-11-07', '2025-11-14', '2025-11-21', '2025-11-28', '2025-12-05', '2025-12-12'];
export const REVISED_SYMBOL = 'AABB';

const stamp = (week: string): string => addDays(week, 3).replaceAll('-', '');

function sampleLines(): { header: string; rows: string[][] } {
  const [header, ...rest] = readFileSync(SAMPLE_1215, 'utf8').split('\n');
  return { header: header ?? '', rows: rest.filter((l) => l.trim() !== '').map((l) => l.split('|')) };
}

function write(path: string, header: string, rows: readonly string[][]): string {
  writeFileSync(path, `${header}\n${rows.map((r) => r.join('|')).join('\n')}\n`);
  return path;
}

/** The OTC file of `week` (index i in WEEKS); `revised` doubles REVISED_SYMBOL's shares and dates it a week later. */
export function writeOtcWeek(dir: TempDir, week: string, opts: { revised?: boolean } = {}): string {
  const i = WEEKS.indexOf(week);
  const { header, rows } = sampleLines();
  const date = addDays(week, opts.revised ? 10 : 3);
  const out = rows.map((r) => {
    const c = [...r];
    let shares = Number(c[5]) + i * 1000;
    if (opts.revised && c[1] === REVISED_SYMBOL) shares *= 2;
    c[5] = String(shares);
    c[7] = date;
    return c;
  });
  const name = `${opts.revised ? 'revised' : 'finra'}_otc_weekly_otc_${stamp(week)}.csv`;
  return write(dir.join(name), header, out);
}

/** NMS Tier 1 rows of `week`: the sample's first 40 rows relabelled (run with tier NMS_TIER_1, week given). */
export function writeTier1Week(dir: TempDir, week: string): string {
  const { header, rows } = sampleLines();
  const out = rows.slice(0, 40).map((r) => {
    const c = [...r];
    c[0] = 'NMS Tier 1';
    c[7] = addDays(week, 3);
    return c;
  });
  return write(dir.join(`tier1_${stamp(week)}.csv`), header, out);
}
