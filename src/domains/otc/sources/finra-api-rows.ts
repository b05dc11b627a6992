/**
 * Query API rows (JSON objects, numbers kept as their literal text by json-exact) → RawOtcRecord, with the
 * same rules as the file parser so the ingest stage cannot tell the sources apart:
 * - counts go through `parseCount` (exact; bigint above 2^53; `1000.5`, `1e10`, null → BAD_NUMBER); a
 *   count beyond SQLite's 64-bit INTEGER range → VALUE_OUT_OF_RANGE;
 * - a missing `issueSymbolIdentifier` or `MPID` → SHORT_ROW (the row lacks a field it needs); an empty
 *   one is kept, and the normalizer rejects it, as for files;
 * - `weekStartDate` missing or not a real date → BAD_DATE; `lastUpdateDate` may be absent (null) but a
 *   present, unreadable one → BAD_DATE;
 * - `week_ending` = the Friday on or after `weekStartDate` (Monday + 4 days), never the file rule (§1);
 * - `tierText` is FINRA's tierDescription for the tier (`OTC`, `NMS Tier 1`…), so record hashes equal the
 *   hashes of the same rows read from a weekly file.
 * Every reject's `line` is the 1-based row index within the whole paged response.
 *
 * A row from another partition (tier, week, or summary type on `weeklySummary`) means the server did not
 * apply the filters, so the response cannot be trusted as one capture: that is a fatal SourceError, like
 * a contradicting tierDescription in a file.
 */
import { SourceError } from '../../../core/errors.js';
import { tryParseIsoDate } from '../../../core/dates.js';
import { recordHash } from '../../../core/record-hash.js';
import { nearestFridayOnOrAfter } from '../../../core/week-ending.js';
import { parseCount } from '../parse/parse-count.js';
import { fitsInt64 } from '../count.js';
import { outOfRangeDetail, RejectCodes } from '../reject-codes.js';
import type { RejectCode } from '../reject-codes.js';
import { TIER_DESCRIPTIONS, tierFromApiIdentifier } from '../tiers.js';
import type { Count, RawOtcRecord, RowReject } from '../types.js';
import type { FinraWeekQuery } from './finra-api-query.js';

export interface MappedPage {
  readonly records: RawOtcRecord[];
  readonly rejects: RowReject[];
  /** Rows of another summary type, dropped on purpose (only on the historic dataset, which cannot filter them). */
  readonly otherSummaryTypeRows: number;
}

type Row = Readonly<Record<string, unknown>>;

class RowProblem extends Error {
  constructor(
    readonly reasonCode: RejectCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function requiredText(row: Row, field: string): string {
  const v = row[field];
  if (v === undefined || v === null) throw new RowProblem(RejectCodes.SHORT_ROW, `${field} is missing`);
  if (typeof v !== 'string') throw new RowProblem(RejectCodes.SHORT_ROW, `${field} is not text: ${show(v)}`);
  return v.trim().toUpperCase();
}

function optionalText(row: Row, field: string): string | null {
  const v = row[field];
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function count(row: Row, field: string): Count {
  const v = row[field];
  if (v === undefined || v === null) throw new RowProblem(RejectCodes.BAD_NUMBER, `${field} is missing`);
  const parsed = typeof v === 'string' ? parseCount(v) : null;
  if (parsed === null) throw new RowProblem(RejectCodes.BAD_NUMBER, `${field} is not an integer: ${show(v)}`);
  if (!fitsInt64(parsed)) throw new RowProblem(RejectCodes.VALUE_OUT_OF_RANGE, outOfRangeDetail(field, parsed));
  return parsed;
}

/** The ISO date in `field`; null when absent or empty; a BAD_DATE reject when present but not a real date. */
function optionalDate(row: Row, field: string): string | null {
  const v = row[field];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return null;
  const iso = typeof v === 'string' ? tryParseIsoDate(v.trim()) : null;
  if (iso === null) throw new RowProblem(RejectCodes.BAD_DATE, `${field} is not a real YYYY-MM-DD date: ${show(v)}`);
  return iso;
}

export class ApiRowMapper {
  readonly #q: FinraWeekQuery;
  readonly #tierText: string;

  constructor(query: FinraWeekQuery) {
    this.#q = query;
    this.#tierText = TIER_DESCRIPTIONS[query.tier];
  }

  /** Maps one page; `offset` is the page's position in the response (its first row is line offset + 1). */
  mapPage(rows: readonly unknown[], offset: number): MappedPage {
    const records: RawOtcRecord[] = [];
    const rejects: RowReject[] = [];
    let otherSummaryTypeRows = 0;
    rows.forEach((value, i) => {
      const line = offset + i + 1;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        rejects.push({
          line,
          reasonCode: RejectCodes.SHORT_ROW,
          detail: `row is not a JSON object: ${show(value)}`,
          raw: JSON.stringify(value),
        });
        return;
      }
      const row = value as Row;
      if (!this.#inPartition(row, line)) {
        otherSummaryTypeRows++;
        return;
      }
      try {
        records.push(this.#record(row, line));
      } catch (err) {
        if (!(err instanceof RowProblem)) throw err;
        rejects.push({ line, reasonCode: err.reasonCode, detail: err.detail, raw: JSON.stringify(row) });
      }
    });
    return { records, rejects, otherSummaryTypeRows };
  }

  /** False for a row of another summary type on the historic dataset; throws for any other foreign row. */
  #inPartition(row: Row, line: number): boolean {
    const q = this.#q;
    const tierId = row['tierIdentifier'];
    if (
      tierId !== undefined &&
      tierId !== null &&
      (typeof tierId !== 'string' || tierFromApiIdentifier(tierId) !== q.tier)
    ) {
      throw new SourceError(
        q.sourceName,
        line,
        'TIER_MISMATCH',
        `tierIdentifier ${show(tierId)} contradicts the requested tier ${q.tier} (${q.tierIdentifier})`,
        {
          tierIdentifier: tierId,
          expectedTier: q.tier,
        },
      );
    }
    const weekStart = row['weekStartDate'];
    const iso = typeof weekStart === 'string' ? tryParseIsoDate(weekStart.trim()) : null;
    if (iso !== null && (iso < q.weekStartDate || iso > q.weekEnding)) {
      throw new SourceError(
        q.sourceName,
        line,
        'WEEK_MISMATCH',
        `weekStartDate ${iso} is outside the requested week ${q.weekStartDate}..${q.weekEnding}`,
        {
          weekStartDate: iso,
          expectedWeekEnding: q.weekEnding,
        },
      );
    }
    const code = row['summaryTypeCode'];
    if (typeof code === 'string' && code.trim().toUpperCase() !== q.summaryTypeCode) {
      if (q.historic) return false;
      throw new SourceError(
        q.sourceName,
        line,
        'SUMMARY_TYPE_MISMATCH',
        `summaryTypeCode ${show(code)} is not the requested ${q.summaryTypeCode}`,
        {
          summaryTypeCode: code,
        },
      );
    }
    return true;
  }

  #record(row: Row, line: number): RawOtcRecord {
    const symbol = requiredText(row, 'issueSymbolIdentifier');
    const mpid = requiredText(row, 'MPID');
    const totalShares = count(row, 'totalWeeklyShareQuantity');
    const totalTrades = count(row, 'totalWeeklyTradeCount');
    const sourceLastUpdateDate = optionalDate(row, 'lastUpdateDate');
    const weekStart = optionalDate(row, 'weekStartDate');
    if (weekStart === null)
      throw new RowProblem(RejectCodes.BAD_DATE, 'weekStartDate is missing, so the week cannot be determined');
    const week = nearestFridayOnOrAfter(weekStart);
    return {
      line,
      rowWeekEnding: week,
      tierText: this.#tierText,
      symbol,
      mpid,
      issueName: optionalText(row, 'issueName'),
      venueName: optionalText(row, 'marketParticipantName'),
      totalShares,
      totalTrades,
      sourceLastUpdateDate,
      recordHash: recordHash(week, this.#tierText, symbol, mpid, totalShares, totalTrades),
    };
  }
}
