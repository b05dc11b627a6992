/**
 * The parser's core: a synchronous state machine fed one line at a time, shared by the file reader, the
 * line-iterable API and the in-memory text API so all three behave identically. It buffers records and
 * rejects until the caller takes a batch, so memory is bounded by the batch size, not the file size.
 *
 * Row rules (domain-spec §3.4, with Market Spine's "reject, never skip silently"): too few columns →
 * SHORT_ROW; counts not plain integers → BAD_NUMBER; counts beyond SQLite's 64-bit INTEGER range →
 * VALUE_OUT_OF_RANGE (values between 2^53 and 2^63 stay exact, as bigint); dates not ISO or impossible,
 * or no way to tell the week → BAD_DATE. Fatal (SourceError): a bad header, and a tier text that
 * contradicts `expectedTier`.
 *
 * Speed: lines arrive as (text, start, end) ranges of the read chunk and fields are located with indexOf,
 * so the hot path allocates only what a record keeps (symbol, MPID, names, the hash). Counts are parsed in
 * place, and tier text and dates are compared against the previous row's before any work is done.
 */
import { sha256Hex32 } from '../../../core/record-hash.js';
import { fitsInt64 } from '../count.js';
import { outOfRangeDetail, RejectCodes } from '../reject-codes.js';
import type { RejectCode } from '../reject-codes.js';
import type { Tier } from '../tiers.js';
import type { Count, ParsedBatch, RawOtcRecord, RowReject } from '../types.js';
import { DateCache, isBlank, optionalCell, RecentCells, upperCell } from './cells.js';
import { resolveOtcHeader } from './header.js';
import type { OtcColumns } from './header.js';
import { parseCountRange } from './parse-count.js';
import { splitFields } from './split-fields.js';
import { TierCell } from './tier-cell.js';

export const DEFAULT_BATCH_SIZE = 5000;

export interface OtcParseOptions {
  /** Names the source in every error and reject (path or `mock://` URL). */
  readonly fileName: string;
  /** The ingest's tier; a row whose tier text maps elsewhere (or nowhere) is a fatal TIER_MISMATCH. */
  readonly expectedTier?: Tier;
  /** Column delimiter; FINRA files use `|` whatever their extension says. */
  readonly delimiter?: string;
  /** Data lines per yielded batch (approximate: batches are cut at read-chunk boundaries). */
  readonly batchSize?: number;
}

export class OtcRowParser {
  readonly #file: string;
  readonly #delimiter: string;
  #cols: OtcColumns | null = null;
  #fs = new Int32Array(0);
  #fe = new Int32Array(0);
  #records: RawOtcRecord[] = [];
  #rejects: RowReject[] = [];
  #lastLine = 0;
  readonly #tier: TierCell;
  readonly #dates = new DateCache();
  /** A venue name repeats per MPID, so records share one string per venue. */
  readonly #venueNames = new RecentCells(16);
  #prefixWeek: string | null = '';
  #prefixTier = '';
  #prefix = '||';

  constructor(opts: OtcParseOptions) {
    this.#file = opts.fileName;
    this.#tier = new TierCell(opts.fileName, opts.expectedTier);
    this.#delimiter = opts.delimiter ?? '|';
  }

  /** Resolved header, or null before the first non-blank line. */
  get columns(): OtcColumns | null {
    return this.#cols;
  }

  /** Records plus rejects waiting to be taken. */
  get pending(): number {
    return this.#records.length + this.#rejects.length;
  }

  takeBatch(): ParsedBatch {
    const batch = { records: this.#records, rejects: this.#rejects, lastLine: this.#lastLine };
    this.#records = [];
    this.#rejects = [];
    return batch;
  }

  /** Feeds one physical line (without its terminator). Blank lines are skipped. */
  pushLine(line: string, lineNo: number): void {
    this.pushRange(line, 0, line.length, lineNo);
  }

  /** Feeds `text[start, end)` as one line, so the caller need not cut the line out of its chunk. */
  pushRange(text: string, start: number, end: number, lineNo: number): void {
    this.#lastLine = lineNo;
    if (start === end || (text.charCodeAt(start) <= 32 && isBlank(text, start, end))) return;
    const cols = this.#cols;
    if (cols === null) {
      const line = text.slice(start, end);
      this.#cols = resolveOtcHeader(splitFields(line, this.#delimiter), line, this.#file, lineNo);
      this.#fs = new Int32Array(this.#cols.minFields);
      this.#fe = new Int32Array(this.#cols.minFields);
      return;
    }
    const need = cols.minFields;
    const fs = this.#fs;
    const fe = this.#fe;
    const delim = this.#delimiter;
    let k = 0;
    let s = start;
    while (k < need) {
      // A quoted value can only start a field, so checking field starts finds every quoted line for free.
      if (text.charCodeAt(s) === 34) {
        this.#quotedRow(cols, text.slice(start, end), lineNo);
        return;
      }
      let d = text.indexOf(delim, s);
      if (d === -1 || d > end) d = end;
      fs[k] = s;
      fe[k++] = d;
      if (d === end) break;
      s = d + delim.length;
    }
    this.#row(cols, text, k, lineNo, text, start, end);
  }

  /** Rare path: split with quote rules, then lay the values end to end so the range logic applies. */
  #quotedRow(cols: OtcColumns, line: string, lineNo: number): void {
    const values = splitFields(line, this.#delimiter);
    const k = Math.min(values.length, cols.minFields);
    let offset = 0;
    for (let i = 0; i < k; i++) {
      this.#fs[i] = offset;
      offset += (values[i] ?? '').length;
      this.#fe[i] = offset;
    }
    this.#row(cols, values.slice(0, k).join(''), k, lineNo, line, 0, line.length);
  }

  #row(cols: OtcColumns, t: string, k: number, lineNo: number, raw: string, rawStart: number, rawEnd: number): void {
    const fs = this.#fs;
    const fe = this.#fe;
    if (k < cols.minFields) {
      const detail = `expected at least ${cols.minFields} '${this.#delimiter}'-separated columns, got ${k}`;
      this.#reject(lineNo, RejectCodes.SHORT_ROW, detail, raw.slice(rawStart, rawEnd));
      return;
    }
    const tierText = cols.tier < 0 ? '' : this.#tier.read(t, fs[cols.tier] ?? 0, fe[cols.tier] ?? 0, lineNo);
    const totalShares = parseCountRange(t, fs[cols.shares] ?? 0, fe[cols.shares] ?? 0);
    if (totalShares === null) return this.#badNumber(cols, cols.shares, t, lineNo, raw.slice(rawStart, rawEnd));
    if (!fitsInt64(totalShares))
      return this.#outOfRange(cols, cols.shares, totalShares, lineNo, raw.slice(rawStart, rawEnd));
    const totalTrades = parseCountRange(t, fs[cols.trades] ?? 0, fe[cols.trades] ?? 0);
    if (totalTrades === null) return this.#badNumber(cols, cols.trades, t, lineNo, raw.slice(rawStart, rawEnd));
    if (!fitsInt64(totalTrades))
      return this.#outOfRange(cols, cols.trades, totalTrades, lineNo, raw.slice(rawStart, rawEnd));

    let lud: string | null = null;
    if (cols.lastUpdate >= 0) {
      const parsed = this.#dates.parse(t, fs[cols.lastUpdate] ?? 0, fe[cols.lastUpdate] ?? 0);
      if (parsed === undefined) return this.#badDate(cols, cols.lastUpdate, t, lineNo, raw.slice(rawStart, rawEnd));
      lud = parsed;
    }
    let week: string | null = null;
    if (cols.week >= 0) {
      week = this.#dates.parse(t, fs[cols.week] ?? 0, fe[cols.week] ?? 0) ?? null;
      if (week === null) return this.#badDate(cols, cols.week, t, lineNo, raw.slice(rawStart, rawEnd));
    } else if (cols.weekStart >= 0) {
      const startDate = this.#dates.parse(t, fs[cols.weekStart] ?? 0, fe[cols.weekStart] ?? 0) ?? null;
      if (startDate === null) return this.#badDate(cols, cols.weekStart, t, lineNo, raw.slice(rawStart, rawEnd));
      week = this.#dates.fridayOnOrAfter(startDate);
    } else if (cols.lastUpdate >= 0) {
      if (lud === null) {
        const detail = 'lastUpdateDate is empty, so the week cannot be determined';
        return this.#reject(lineNo, RejectCodes.BAD_DATE, detail, raw.slice(rawStart, rawEnd));
      }
      week = this.#dates.publicationWeek(lud);
    }

    const symbol = upperCell(t, fs[cols.symbol] ?? 0, fe[cols.symbol] ?? 0);
    const mpid = upperCell(t, fs[cols.mpid] ?? 0, fe[cols.mpid] ?? 0);
    this.#records.push({
      line: lineNo,
      rowWeekEnding: week,
      tierText,
      symbol,
      mpid,
      issueName: cols.issueName < 0 ? null : optionalCell(t, fs[cols.issueName] ?? 0, fe[cols.issueName] ?? 0),
      venueName: cols.venueName < 0 ? null : this.#venueNames.read(t, fs[cols.venueName] ?? 0, fe[cols.venueName] ?? 0),
      totalShares,
      totalTrades,
      sourceLastUpdateDate: lud,
      recordHash: sha256Hex32(`${this.#hashPrefix(week, tierText)}${symbol}|${mpid}|${totalShares}|${totalTrades}`),
    });
  }

  /** `{week}|{tier}|`, the constant head of every record_hash input (same text as `recordHash`). */
  #hashPrefix(week: string | null, tierText: string): string {
    if (week !== this.#prefixWeek || tierText !== this.#prefixTier) {
      this.#prefixWeek = week;
      this.#prefixTier = tierText;
      this.#prefix = `${week ?? ''}|${tierText}|`;
    }
    return this.#prefix;
  }

  #badNumber(cols: OtcColumns, index: number, t: string, lineNo: number, raw: string): void {
    const value = t.slice(this.#fs[index] ?? 0, this.#fe[index] ?? 0);
    this.#reject(lineNo, RejectCodes.BAD_NUMBER, `${cols.names[index]} is not an integer: '${value}'`, raw);
  }

  #outOfRange(cols: OtcColumns, index: number, value: Count, lineNo: number, raw: string): void {
    this.#reject(lineNo, RejectCodes.VALUE_OUT_OF_RANGE, outOfRangeDetail(cols.names[index] ?? '?', value), raw);
  }

  #badDate(cols: OtcColumns, index: number, t: string, lineNo: number, raw: string): void {
    const value = t.slice(this.#fs[index] ?? 0, this.#fe[index] ?? 0).trim();
    const detail =
      value === '' ? `${cols.names[index]} is empty` : `${cols.names[index]} is not a real YYYY-MM-DD date: '${value}'`;
    this.#reject(lineNo, RejectCodes.BAD_DATE, detail, raw);
  }

  #reject(line: number, reasonCode: RejectCode, detail: string, raw: string): void {
    this.#rejects.push({ line, reasonCode, detail, raw });
  }
}
