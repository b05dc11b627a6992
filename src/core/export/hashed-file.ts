import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** What the manifest records of a written file. */
export interface WrittenBytes {
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * A new file (never an existing one: opened with `wx`) that hashes what it writes, so the SHA-256 in the
 * manifest is of exactly the bytes written, without reading the file back. Text is buffered into
 * writes of about 1 MiB.
 */
export class HashedFile {
  readonly #fd: number;
  readonly #hash: Hash = createHash('sha256');
  #bytes = 0;
  #text = '';
  #closed = false;

  constructor(path: string) {
    this.#fd = openSync(path, 'wx');
  }

  write(chunk: Uint8Array): void {
    this.#flushText();
    this.#writeBytes(chunk);
  }

  writeText(text: string): void {
    this.#text += text;
    if (this.#text.length >= 1 << 20) this.#flushText();
  }

  /** Flushes the file to disk and closes it; returns its size and hash. */
  close(): WrittenBytes {
    this.#flushText();
    fsyncSync(this.#fd);
    this.#closeFd();
    return { bytes: this.#bytes, sha256: this.#hash.digest('hex') };
  }

  /** Closes the descriptor after a failure (the caller removes the whole staging directory). */
  abandon(): void {
    this.#closeFd();
  }

  #flushText(): void {
    if (this.#text === '') return;
    const buf = Buffer.from(this.#text, 'utf8');
    this.#text = '';
    this.#writeBytes(buf);
  }

  #writeBytes(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.#fd, chunk, off, chunk.length - off);
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
  }

  #closeFd(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}
