/**
 * Streaming file reader: constant memory whatever the file size. Reads 256 KiB UTF-8 chunks, splits lines
 * itself and yields a batch whenever about `batchSize` data lines are ready; the generator pauses the
 * stream while the consumer works on a batch (back-pressure), and stopping early closes the file.
 */
import { createReadStream } from 'node:fs';
import { SourceError } from '../../../core/errors.js';
import type { Tier } from '../tiers.js';
import type { ParsedBatch } from '../types.js';
import { LineSplitter } from './line-splitter.js';
import { DEFAULT_BATCH_SIZE, OtcRowParser } from './row-parser.js';

export interface ReadOtcFileOptions {
  /** Name used in errors and rejects; defaults to the path. */
  readonly fileName?: string;
  readonly expectedTier?: Tier;
  readonly delimiter?: string;
  readonly batchSize?: number;
}

const CHUNK_BYTES = 256 * 1024;

/** Turns "no such file" and similar into a SourceError naming the file; anything else passes through. */
export function toFileError(err: unknown, fileName: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return new SourceError(fileName, 0, 'FILE_NOT_FOUND', 'File not found');
  if (code === 'EISDIR') return new SourceError(fileName, 0, 'NOT_A_FILE', 'Path is a directory, not a file');
  if (code === 'EACCES') return new SourceError(fileName, 0, 'FILE_NOT_READABLE', 'Permission denied');
  return err;
}

/** Yields batches of records and rejects from a FINRA weekly file (format A) or a fixture (format B). */
export async function* readOtcFile(
  path: string,
  opts: ReadOtcFileOptions = {},
): AsyncGenerator<ParsedBatch, void, undefined> {
  const fileName = opts.fileName ?? path;
  const parser = new OtcRowParser({ ...opts, fileName });
  const splitter = new LineSplitter(fileName);
  const size = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const sink = (t: string, start: number, end: number, lineNo: number): void => parser.pushRange(t, start, end, lineNo);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream) {
      splitter.feed(chunk as string, sink);
      if (parser.pending >= size) yield parser.takeBatch();
    }
  } catch (err) {
    throw toFileError(err, fileName);
  } finally {
    stream.destroy();
  }
  splitter.end(sink);
  if (parser.pending > 0) yield parser.takeBatch();
}
