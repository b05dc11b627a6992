/** Messages between the export's main thread and the Parquet encoding thread (parquet-encode-thread.ts). */

export interface ParquetEncodeSetup {
  readonly rowGroupRows: number;
  readonly createdBy: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Main → thread: one Arrow IPC stream holding one record batch, or the end of the rows. */
export type ToEncoder = { readonly kind: 'batch'; readonly ipc: Uint8Array } | { readonly kind: 'end' };

/** Thread → main: Parquet bytes in file order, a batch taken into WebAssembly, the end, or a failure. */
export type FromEncoder =
  | { readonly kind: 'chunk'; readonly bytes: Uint8Array }
  | { readonly kind: 'consumed' }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly message: string };
