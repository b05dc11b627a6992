/**
 * The Parquet encoding thread. parquet-wasm (dictionary, statistics, Snappy, all in WebAssembly) is about a
 * third of an export's CPU; here it runs beside the main thread, which keeps reading SQLite and packing
 * Arrow batches. Batches arrive as Arrow IPC bytes (transferred, not copied); the file's bytes go back in
 * order, so the main thread alone writes and hashes the file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Compression, Table as WasmTable, transformParquetStream, WriterPropertiesBuilder } from 'parquet-wasm/node';
import type { RecordBatch as WasmRecordBatch } from 'parquet-wasm/node';
import type { FromEncoder, ParquetEncodeSetup, ToEncoder } from './parquet-encode-protocol.js';

const port = parentPort;
if (!port) throw new Error('parquet-encode-thread must run as a worker thread');
const setup = workerData as ParquetEncodeSetup;
const send = (m: FromEncoder, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

const pending: (Uint8Array | null)[] = [];
let waiting: ((ipc: Uint8Array | null) => void) | undefined;
port.on('message', (m: ToEncoder) => {
  const item = m.kind === 'batch' ? m.ipc : null;
  if (waiting) {
    const w = waiting;
    waiting = undefined;
    w(item);
  } else pending.push(item);
});
const nextIpc = (): Promise<Uint8Array | null> =>
  pending.length > 0 ? Promise.resolve(pending.shift() as Uint8Array | null) : new Promise((r) => (waiting = r));

async function encode(): Promise<void> {
  const source = new ReadableStream<WasmRecordBatch>({
    async pull(controller) {
      const ipc = await nextIpc();
      if (ipc === null) {
        controller.close();
        return;
      }
      const table = WasmTable.fromIPCStream(ipc);
      try {
        controller.enqueue(table.recordBatch(0) as WasmRecordBatch);
      } finally {
        table.free();
      }
      send({ kind: 'consumed' });
    },
  });
  const props = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setMaxRowGroupSize(setup.rowGroupRows)
    .setCreatedBy(setup.createdBy)
    .setKeyValueMetadata(new Map(Object.entries(setup.metadata)))
    .build();
  const output = (await transformParquetStream(source, props)) as ReadableStream<Uint8Array>;
  for await (const chunk of output) {
    // Transfer only a buffer the chunk owns whole; a view into a larger one is copied first.
    const own = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : chunk.slice();
    send({ kind: 'chunk', bytes: own }, [own.buffer as ArrayBuffer]);
  }
  send({ kind: 'done' });
}

encode().catch((err: unknown) => send({ kind: 'error', message: err instanceof Error ? err.message : String(err) }));
