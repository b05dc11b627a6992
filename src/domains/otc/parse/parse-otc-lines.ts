/**
 * Parsing from lines or from text already in memory (API responses, tests). Same rules and output as
 * `readOtcFile`; lines may keep a trailing `\r`, and the first may start with a BOM.
 */
import type { ParsedBatch, RawOtcRecord, RowReject } from '../types.js';
import { LineSplitter } from './line-splitter.js';
import { DEFAULT_BATCH_SIZE, OtcRowParser } from './row-parser.js';
import type { OtcParseOptions } from './row-parser.js';

function isSyncIterable<T>(value: AsyncIterable<T> | Iterable<T>): value is Iterable<T> {
  return typeof (value as Partial<Iterable<T>>)[Symbol.iterator] === 'function';
}

function clean(line: string, lineNo: number): string {
  let l = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  if (lineNo === 1 && l.charCodeAt(0) === 0xfeff) l = l.slice(1);
  return l;
}

/** Streams batches of records and rejects from lines (line 1 = the header). */
export async function* parseOtcLines(
  lines: AsyncIterable<string> | Iterable<string>,
  opts: OtcParseOptions,
): AsyncGenerator<ParsedBatch, void, undefined> {
  const parser = new OtcRowParser(opts);
  const size = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  let lineNo = 0;
  if (isSyncIterable(lines)) {
    for (const line of lines) {
      lineNo++;
      parser.pushLine(clean(line, lineNo), lineNo);
      if (parser.pending >= size) yield parser.takeBatch();
    }
  } else {
    for await (const line of lines) {
      lineNo++;
      parser.pushLine(clean(line, lineNo), lineNo);
      if (parser.pending >= size) yield parser.takeBatch();
    }
  }
  if (parser.pending > 0) yield parser.takeBatch();
}

/** Everything parsed from a source, for callers that hold it in memory anyway. */
export interface ParsedOtc {
  readonly records: RawOtcRecord[];
  readonly rejects: RowReject[];
  readonly lastLine: number;
}

/** Parses a whole text synchronously (an API payload, a fixture). */
export function parseOtcText(text: string, opts: OtcParseOptions): ParsedOtc {
  const parser = new OtcRowParser(opts);
  const splitter = new LineSplitter(opts.fileName, Math.max(text.length, 1));
  const sink = (t: string, start: number, end: number, lineNo: number): void => parser.pushRange(t, start, end, lineNo);
  splitter.feed(text, sink);
  splitter.end(sink);
  return { ...parser.takeBatch(), lastLine: splitter.lineNo };
}

/** Drains a batch stream into one result (tests, small files). */
export async function collectOtcBatches(batches: AsyncIterable<ParsedBatch>): Promise<ParsedOtc> {
  const records: RawOtcRecord[] = [];
  const rejects: RowReject[] = [];
  let lastLine = 0;
  for await (const b of batches) {
    for (const r of b.records) records.push(r);
    for (const r of b.rejects) rejects.push(r);
    lastLine = b.lastLine;
  }
  return { records, rejects, lastLine };
}
