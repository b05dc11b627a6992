/**
 * Parquet through Apache Arrow: rows are packed, one batch at a time, straight into Arrow column buffers
 * (typed arrays reused between batches), handed to parquet-wasm (the Rust `parquet` crate of the Arrow
 * project compiled to WebAssembly) as an Arrow IPC message, and its output streamed to the file as each
 * row group completes. The encoding runs in its own thread (parquet-encode-thread.ts), beside the main
 * thread's SQLite reads. Memory holds a few batches and one encoded row group whatever the export's size.
 * Why these libraries: docs/exports.md.
 */
import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { Worker as Thread } from 'node:worker_threads';
import {
  DateDay,
  Field,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table as ArrowTable,
  tableToIPC,
  TimestampMicrosecond,
  Utf8,
} from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import { ParquetFile } from 'parquet-wasm/node';
import { ErrorCodes, SpineError } from '../errors.js';
import { dateDaysCell, doubleCell, int64Cell, stringCell, timestampMicrosCell } from './columns.js';
import type { CellConverter, ExportColumn } from './columns.js';
import { PROJECT_ROOT } from '../tools/temporal-binaries.js';
import { HashedFile } from './hashed-file.js';
import type { FromEncoder, ParquetEncodeSetup, ToEncoder } from './parquet-encode-protocol.js';
import type { ExportLayout, RowSource, WrittenFile } from './layout.js';

/**
 * The compiled encoding thread. Always the built file (dist/), also under vitest: a worker thread cannot
 * load TypeScript on Node 20.
 */
export const PARQUET_ENCODE_THREAD_PATH = join(PROJECT_ROOT, 'dist', 'core', 'export', 'parquet-encode-thread.js');

/** Rows per Parquet row group: large enough for good compression and cheap metadata. */
export const PARQUET_ROW_GROUP_ROWS = 131_072;
/**
 * Rows per Arrow batch handed to WebAssembly. Small batches keep each IPC copy small (a few MB), so the
 * WebAssembly heap, which never shrinks, stays flat; the writer accumulates them into row groups.
 */
export const PARQUET_BATCH_ROWS = 16_384;

export interface ParquetOptions {
  readonly rowGroupRows?: number;
  readonly batchRows?: number;
  /** Written into the file's key-value metadata (provenance that travels without the manifest). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly createdBy?: string;
}

/** One column's buffers for the row group being built. */
abstract class ColumnBuffer {
  protected validity: Uint8Array;
  protected nullCount = 0;

  constructor(
    readonly type: DataType,
    protected readonly capacity: number,
  ) {
    this.validity = new Uint8Array((capacity + 7) >> 3);
  }

  /** Stores row `k`'s value. */
  abstract set(k: number, value: unknown, row: readonly unknown[]): void;
  protected abstract data(length: number, nullBitmap: Uint8Array | undefined): Data;

  protected valid(k: number): void {
    (this.validity[k >> 3] as number) |= 1 << (k & 7);
  }

  protected isNull(): void {
    this.nullCount++;
  }

  /** The Arrow data of the first `length` rows; the buffers are reused after the batch is serialised. */
  finish(length: number): Data {
    const bitmap = this.nullCount > 0 ? this.validity.subarray(0, (length + 7) >> 3) : undefined;
    const d = this.data(length, bitmap);
    return d;
  }

  reset(): void {
    this.validity.fill(0);
    this.nullCount = 0;
  }
}

type FixedArray = BigInt64Array | Float64Array | Int32Array;

class FixedBuffer<T extends bigint | number> extends ColumnBuffer {
  readonly #values: FixedArray;

  constructor(
    type: DataType,
    capacity: number,
    make: (n: number) => FixedArray,
    private readonly convert: CellConverter<T>,
  ) {
    super(type, capacity);
    this.#values = make(capacity);
  }

  set(k: number, value: unknown, row: readonly unknown[]): void {
    const v = this.convert(value, row);
    if (v === null) {
      this.isNull();
      return;
    }
    this.valid(k);
    (this.#values as unknown as T[])[k] = v;
  }

  protected data(length: number, nullBitmap: Uint8Array | undefined): Data {
    return makeData({
      type: this.type as Int64,
      length,
      nullCount: this.nullCount,
      ...(nullBitmap ? { nullBitmap } : {}),
      data: this.#values.subarray(0, length) as BigInt64Array,
    }) as Data;
  }
}

/** UTF-8 bytes and offsets; a value equal to the previous one (lineage columns) is copied, not re-encoded. */
class StringBuffer extends ColumnBuffer {
  static readonly #encoder = new TextEncoder();
  readonly #offsets: Int32Array;
  #bytes = new Uint8Array(1 << 16);
  #end = 0;
  #prev: string | undefined;
  #prevStart = 0;

  constructor(
    capacity: number,
    private readonly convert: CellConverter<string>,
  ) {
    super(new Utf8(), capacity);
    this.#offsets = new Int32Array(capacity + 1);
  }

  set(k: number, value: unknown, row: readonly unknown[]): void {
    const s = this.convert(value, row);
    if (s === null) {
      this.isNull();
    } else {
      this.valid(k);
      if (s === this.#prev) {
        const len = this.#end - this.#prevStart;
        this.#ensure(len);
        this.#bytes.copyWithin(this.#end, this.#prevStart, this.#prevStart + len);
        this.#prevStart = this.#end;
        this.#end += len;
      } else {
        this.#ensure(s.length * 3);
        const { written } = StringBuffer.#encoder.encodeInto(s, this.#bytes.subarray(this.#end));
        this.#prev = s;
        this.#prevStart = this.#end;
        this.#end += written;
      }
    }
    this.#offsets[k + 1] = this.#end;
  }

  protected data(length: number, nullBitmap: Uint8Array | undefined): Data {
    return makeData({
      type: this.type as Utf8,
      length,
      nullCount: this.nullCount,
      ...(nullBitmap ? { nullBitmap } : {}),
      valueOffsets: this.#offsets.subarray(0, length + 1),
      data: this.#bytes.subarray(0, this.#end),
    }) as Data;
  }

  override reset(): void {
    super.reset();
    this.#end = 0;
    this.#prev = undefined;
  }

  #ensure(extra: number): void {
    if (this.#end + extra <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < this.#end + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#bytes.subarray(0, this.#end));
    this.#bytes = grown;
  }
}

function bufferFor(column: ExportColumn, capacity: number, captureIndex: number): ColumnBuffer {
  switch (column.type) {
    case 'int64':
      return new FixedBuffer(new Int64(), capacity, (n) => new BigInt64Array(n), int64Cell(column, captureIndex));
    case 'timestamp':
      return new FixedBuffer(
        new TimestampMicrosecond('UTC'),
        capacity,
        (n) => new BigInt64Array(n),
        timestampMicrosCell(column, captureIndex),
      );
    case 'double':
      return new FixedBuffer(new Float64(), capacity, (n) => new Float64Array(n), doubleCell(column, captureIndex));
    case 'date':
      return new FixedBuffer(new DateDay(), capacity, (n) => new Int32Array(n), dateDaysCell(column, captureIndex));
    case 'string':
      return new StringBuffer(capacity, stringCell(column, captureIndex));
  }
}

/**
 * Writes `rows` as one Parquet file: INT64 for integers, DOUBLE, DATE, TIMESTAMP(MICROS, UTC), UTF-8
 * strings; every column nullable; Snappy compression; one row group per `rowGroupRows` rows.
 */
export async function writeParquet(
  path: string,
  layout: ExportLayout,
  rows: RowSource,
  options: ParquetOptions = {},
): Promise<WrittenFile> {
  const capacity = options.batchRows ?? PARQUET_BATCH_ROWS;
  const rowGroupRows = options.rowGroupRows ?? PARQUET_ROW_GROUP_ROWS;
  const buffers = layout.columns.map((c) => bufferFor(c, capacity, layout.captureIndex));
  const schema = new Schema(layout.columns.map((c, j) => new Field(c.name, (buffers[j] as ColumnBuffer).type, true)));
  const structType = new Struct(schema.fields);
  const { indices } = layout;
  const iterator = rows[Symbol.iterator]();
  let total = 0;
  let batches = 0;

  /** The next batch as Arrow IPC bytes; undefined when the rows are done. */
  const nextBatch = (): Uint8Array | undefined => {
    for (const b of buffers) b.reset();
    let k = 0;
    while (k < capacity) {
      const r = iterator.next();
      if (r.done) break;
      const row = r.value;
      for (let j = 0; j < indices.length; j++) (buffers[j] as ColumnBuffer).set(k, row[indices[j] as number], row);
      k++;
    }
    // An empty export still gets one (empty) batch, so the file carries its schema.
    if (k === 0 && batches > 0) return undefined;
    batches++;
    total += k;
    const children = buffers.map((b) => b.finish(k));
    const batch = new RecordBatch(schema, makeData({ type: structType, length: k, nullCount: 0, children }));
    return tableToIPC(new ArrowTable([batch]), 'stream');
  };

  const file = new HashedFile(path);
  const encoder = new ParquetEncoder(
    {
      rowGroupRows,
      createdBy: options.createdBy ?? 'market-spine',
      metadata: { ...(options.metadata ?? {}) },
    },
    (bytes) => file.write(bytes),
  );
  try {
    for (let ipc = nextBatch(); ipc !== undefined; ipc = nextBatch()) await encoder.push(ipc);
    await encoder.end();
    const written = file.close();
    await checkFooter(path, total);
    return { rows: total, ...written };
  } catch (err) {
    file.abandon();
    iterator.return?.();
    throw toError(err);
  } finally {
    await encoder.close();
  }
}

/** Batches sent to the encoding thread and not yet taken into WebAssembly: bounds memory, keeps it busy. */
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * The main thread's side of the encoding thread: sends batches with back-pressure, hands the file's bytes to
 * `onChunk` in order, and turns a failure of the thread into an error of the export.
 */
class ParquetEncoder {
  readonly #thread: Thread;
  readonly #finished: Promise<void>;
  #inFlight = 0;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;

  constructor(setup: ParquetEncodeSetup, onChunk: (bytes: Uint8Array) => void) {
    this.#thread = new Thread(PARQUET_ENCODE_THREAD_PATH, { workerData: setup });
    this.#finished = new Promise<void>((resolve, reject) => {
      let done = false;
      const fail = (err: unknown): void => {
        this.#failure ??= toError(err);
        this.#resume();
        reject(this.#failure);
      };
      this.#thread.on('message', (m: FromEncoder) => {
        if (m.kind === 'chunk') {
          try {
            onChunk(m.bytes);
          } catch (err) {
            fail(err);
          }
        } else if (m.kind === 'consumed') {
          this.#inFlight--;
          this.#resume();
        } else if (m.kind === 'done') {
          done = true;
          resolve();
        } else fail(new SpineError(ErrorCodes.INTERNAL_ERROR, `Parquet encoding failed: ${m.message}`));
      });
      this.#thread.on('error', fail);
      this.#thread.on('exit', (code) => {
        if (!done) fail(new SpineError(ErrorCodes.INTERNAL_ERROR, `Parquet encoding thread exited (code ${code})`));
      });
    });
    // Awaited in end(); an export that fails first must not leave an unhandled rejection behind.
    this.#finished.catch(() => undefined);
  }

  async push(ipc: Uint8Array): Promise<void> {
    this.#throwIfFailed();
    const own = ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength ? ipc : ipc.slice();
    this.#thread.postMessage({ kind: 'batch', ipc: own } satisfies ToEncoder, [own.buffer as ArrayBuffer]);
    this.#inFlight++;
    while (this.#inFlight >= MAX_BATCHES_IN_FLIGHT && !this.#failure) {
      await new Promise<void>((r) => (this.#wake = r));
    }
    this.#throwIfFailed();
  }

  async end(): Promise<void> {
    this.#throwIfFailed();
    this.#thread.postMessage({ kind: 'end' } satisfies ToEncoder);
    await this.#finished;
  }

  async close(): Promise<void> {
    await this.#thread.terminate();
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #resume(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }
}

/**
 * Reads the finished file's footer back: parquet-wasm's stream writer does not report a failed write of a
 * batch, so the row count in the footer is what proves every row made it into the file.
 */
async function checkFooter(path: string, rows: number): Promise<void> {
  const file = await ParquetFile.fromFile(await openAsBlob(path));
  try {
    const meta = file.metadata();
    const inFile = meta.fileMetadata().numRows();
    if (inFile !== rows) {
      throw new SpineError(
        ErrorCodes.INTERNAL_ERROR,
        `Parquet writer lost rows: ${path} holds ${inFile} rows, ${rows} were written to it`,
      );
    }
  } finally {
    file.free();
  }
}

/** The row source's own error (a bad value, a SQLite error) wins over how the stream reports it. */
const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
