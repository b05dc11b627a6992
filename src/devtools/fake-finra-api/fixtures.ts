/**
 * The data the fake FINRA API serves, built from shipped real weekly files (data/samples): a file's
 * own week is served verbatim (its rows, counts and lastUpdateDate, mapped to the API's field names);
 * any other (tier, week) is synthesised from the same rows with deterministic, week-specific counts, so a
 * 52-week × 3-tier mirror can be served from two real files. A revision k of a week adds k × 1,000 shares
 * to its first three rows and stamps every row with the revision's lastUpdateDate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { addDays, formatCompactDate } from '../../core/dates.js';
import { weekEndingFromPublicationDate } from '../../core/week-ending.js';
import { defaultSummaryTypeCode } from '../../domains/otc/sources/index.js';
import { tierHintFromFileName, tierToApiIdentifier } from '../../domains/otc/tiers.js';
import type { Tier } from '../../domains/otc/tiers.js';

/** One row of a weekly file, the fields the API also has. */
export interface BaseRow {
  readonly symbol: string;
  readonly issueName: string;
  readonly venueName: string;
  readonly mpid: string;
  readonly shares: number;
  readonly trades: number;
  readonly lastUpdateDate: string;
}

export type ApiRow = Record<string, string | number>;

/** Reads a pipe-delimited FINRA weekly file (header row, format A or B) into rows. */
export function readWeeklyFile(path: string): BaseRow[] {
  const lines = readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('|');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${path}: no ${name} column`);
    return i;
  };
  const [sym, issue, venue, mpid, shares, trades, lud] = [
    'issueSymbolIdentifier',
    'issueName',
    'marketParticipantName',
    'MPID',
    'totalWeeklyShareQuantity',
    'totalWeeklyTradeCount',
    'lastUpdateDate',
  ].map(col) as [number, number, number, number, number, number, number];
  return lines.map((line) => {
    const f = line.split('|');
    return {
      symbol: f[sym] ?? '',
      issueName: f[issue] ?? '',
      venueName: f[venue] ?? '',
      mpid: f[mpid] ?? '',
      shares: Number(f[shares]),
      trades: Number(f[trades]),
      lastUpdateDate: f[lud] ?? '',
    };
  });
}

/** A real week found in the data folder: `finra_otc_weekly_{otc|tier1|tier2}_YYYYMMDD.csv`. */
export interface RealWeek {
  readonly tier: Tier;
  readonly weekEnding: string;
  readonly file: string;
  readonly rows: readonly BaseRow[];
}

export function readDataDir(dir: string): RealWeek[] {
  const out: RealWeek[] = [];
  for (const name of readdirSync(dir).sort()) {
    const m = /^finra_otc_weekly_(otc|tier1|tier2)_(\d{4})(\d{2})(\d{2})\.(csv|psv|txt)$/.exec(name);
    const tier = tierHintFromFileName(name);
    if (!m || !tier) continue;
    const file = join(dir, name);
    out.push({
      tier,
      weekEnding: weekEndingFromPublicationDate(`${m[2]}-${m[3]}-${m[4]}`),
      file,
      rows: readWeeklyFile(file),
    });
  }
  return out;
}

function seed(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('|')).digest().readUInt32BE(0);
}

/** The row at `index` of a synthesised week: the base row with week-specific counts. */
export function synthRow(base: BaseRow, tier: Tier, week: string, index: number): BaseRow {
  const s = seed(tier, week, index);
  const factor = 50 + (s % 101); // 50%..150% of the real week
  return {
    ...base,
    shares: Math.max(1, Math.floor((base.shares * factor) / 100)),
    trades: Math.max(1, Math.floor((base.trades * factor) / 100)),
  };
}

export interface WeekView {
  readonly tier: Tier;
  readonly weekEnding: string;
  readonly revision: number;
  /** lastUpdateDate of every row (revision 0 of a real week keeps the file's own dates). */
  readonly lastUpdateDate: string | null;
}

/** Row `index` as the API returns it (counts as JSON numbers), revision applied. */
export function apiRow(base: BaseRow, view: WeekView, index: number): ApiRow {
  const revisedShares = view.revision > 0 && index < 3 ? base.shares + view.revision * 1000 : base.shares;
  return {
    issueSymbolIdentifier: base.symbol,
    issueName: base.issueName,
    MPID: base.mpid,
    marketParticipantName: base.venueName,
    tierIdentifier: tierToApiIdentifier(view.tier),
    totalWeeklyTradeCount: base.trades,
    totalWeeklyShareQuantity: revisedShares,
    lastUpdateDate: view.lastUpdateDate ?? base.lastUpdateDate,
    weekStartDate: addDays(view.weekEnding, -4),
    summaryTypeCode: defaultSummaryTypeCode(view.tier),
  };
}

/** The file name FINRA would give a week (the Monday after it), for messages. */
export function weeklyFileName(tier: Tier, week: string): string {
  const token = tier === 'NMS_TIER_1' ? 'tier1' : tier === 'NMS_TIER_2' ? 'tier2' : 'otc';
  return `finra_otc_weekly_${token}_${formatCompactDate(addDays(week, 3))}.csv`;
}
