/**
 * Reads just the header and the first data row, so tier and file date can be resolved (domain-spec §4, §5)
 * before committing to a full parse, without reading the whole file.
 */
import { createReadStream } from 'node:fs';
import { tryParseIsoDate } from '../../../core/dates.js';
import { nearestFridayOnOrAfter, weekEndingFromPublicationDate } from '../../../core/week-ending.js';
import { tierFromDescription } from '../tiers.js';
import type { Tier } from '../tiers.js';
import { resolveOtcHeader } from './header.js';
import type { OtcColumns } from './header.js';
import { LineSplitter } from './line-splitter.js';
import { toFileError } from './read-otc-file.js';
import { splitFields } from './split-fields.js';

export interface OtcFileFacts {
  /** Header names as read; empty for an empty file. */
  readonly header: readonly string[];
  /** Line number of the first data row, or null when there is none. */
  readonly firstDataLine: number | null;
  readonly tierText: string | null;
  /** tierFromDescription(tierText); null when absent or unrecognised. */
  readonly tier: Tier | null;
  /** The first row's lastUpdateDate when it is a real ISO date (clock 2, and the `content` file date). */
  readonly lastUpdateDate: string | null;
  /** The first row's week by the parser's rules, or null. */
  readonly rowWeekEnding: string | null;
}

function cell(fields: readonly string[], index: number): string | null {
  const v = index < 0 ? undefined : fields[index]?.trim();
  return v === undefined || v === '' ? null : v;
}

function weekOf(fields: readonly string[], cols: OtcColumns, lud: string | null): string | null {
  const week = cell(fields, cols.week);
  if (week !== null) return tryParseIsoDate(week);
  const start = cell(fields, cols.weekStart);
  if (start !== null) return tryParseIsoDate(start) === null ? null : nearestFridayOnOrAfter(start);
  return lud === null ? null : weekEndingFromPublicationDate(lud);
}

/** Throws the parser's HEADER_MISSING_COLUMN error for an unusable header, like a full parse would. */
export async function detectFileFacts(
  path: string,
  opts: { fileName?: string; delimiter?: string } = {},
): Promise<OtcFileFacts> {
  const fileName = opts.fileName ?? path;
  const delimiter = opts.delimiter ?? '|';
  const lines: Array<{ line: string; no: number }> = [];
  const splitter = new LineSplitter(fileName);
  const sink = (t: string, start: number, end: number, no: number): void => {
    if (lines.length < 2 && t.slice(start, end).trim() !== '') lines.push({ line: t.slice(start, end), no });
  };
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream) {
      splitter.feed(chunk as string, sink);
      if (lines.length >= 2) break;
    }
  } catch (err) {
    throw toFileError(err, fileName);
  } finally {
    stream.destroy();
  }
  if (lines.length < 2) splitter.end(sink);
  const [head, first] = lines;
  if (head === undefined)
    return { header: [], firstDataLine: null, tierText: null, tier: null, lastUpdateDate: null, rowWeekEnding: null };
  const cols = resolveOtcHeader(splitFields(head.line, delimiter), head.line, fileName, head.no);
  if (first === undefined) {
    return {
      header: cols.names,
      firstDataLine: null,
      tierText: null,
      tier: null,
      lastUpdateDate: null,
      rowWeekEnding: null,
    };
  }
  const fields = splitFields(first.line, delimiter);
  const tierText = cell(fields, cols.tier);
  const ludText = cell(fields, cols.lastUpdate);
  const lastUpdateDate = ludText === null ? null : tryParseIsoDate(ludText);
  return {
    header: cols.names,
    firstDataLine: first.no,
    tierText,
    tier: tierText === null ? null : tierFromDescription(tierText),
    lastUpdateDate,
    rowWeekEnding: weekOf(fields, cols, lastUpdateDate),
  };
}
