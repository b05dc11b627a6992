/**
 * Turns decoded text chunks into lines without `readline` (whose per-line events cost more than the
 * parsing itself). Lines are handed on as ranges of the chunk, so no string is cut out per line.
 * Handles LF and CRLF, a UTF-8 BOM, and a last line without a newline. A line longer than the limit is
 * fatal rather than buffered forever, so a file without newlines cannot exhaust memory.
 */
import { SourceError } from '../../../core/errors.js';

export type RangeSink = (text: string, start: number, end: number, lineNo: number) => void;

export const MAX_LINE_LENGTH = 1 << 20;

export class LineSplitter {
  readonly #file: string;
  readonly #maxLineLength: number;
  #carry = '';
  #lineNo = 0;
  #started = false;

  constructor(fileName: string, maxLineLength = MAX_LINE_LENGTH) {
    this.#file = fileName;
    this.#maxLineLength = maxLineLength;
  }

  /** Lines emitted so far. */
  get lineNo(): number {
    return this.#lineNo;
  }

  feed(chunk: string, sink: RangeSink): void {
    let start = 0;
    if (!this.#started && chunk.length > 0) {
      this.#started = true;
      if (chunk.charCodeAt(0) === 0xfeff) start = 1;
    }
    // Rows are read straight out of `chunk`, never out of `carry + chunk`: that concatenation is a V8
    // cons string, on which every charCodeAt is several times slower. Only the one line that straddles
    // two chunks is glued together.
    if (this.#carry.length > 0) {
      const nl = chunk.indexOf('\n');
      if (nl === -1) {
        this.#carry += chunk;
        this.#checkLength();
        return;
      }
      const line = this.#carry + chunk.slice(0, nl);
      this.#carry = '';
      sink(line, 0, line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length, ++this.#lineNo);
      start = nl + 1;
    }
    let nl = chunk.indexOf('\n', start);
    while (nl !== -1) {
      const end = nl > start && chunk.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      sink(chunk, start, end, ++this.#lineNo);
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    this.#carry = start === 0 ? chunk : chunk.slice(start);
    this.#checkLength();
  }

  #checkLength(): void {
    if (this.#carry.length > this.#maxLineLength) {
      throw new SourceError(
        this.#file,
        this.#lineNo + 1,
        'LINE_TOO_LONG',
        `line exceeds ${this.#maxLineLength} characters`,
      );
    }
  }

  /** Flushes a last line that had no terminating newline. */
  end(sink: RangeSink): void {
    const text = this.#carry;
    this.#carry = '';
    if (text.length === 0) return;
    const end = text.charCodeAt(text.length - 1) === 13 ? text.length - 1 : text.length;
    sink(text, 0, end, ++this.#lineNo);
  }
}
