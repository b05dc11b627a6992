/**
 * The content hash a capture would get from a stream of parsed batches, without writing anything: the
 * same rule as `RawCaptureLoader` (sha256 over the record hashes of the rows it keeps, in source order:
 * row rejects are left out and only the first row of each (symbol, MPID) is kept; first 32 hex chars).
 * Sync compares it with the latest capture's `content_hash` to decide whether a week changed;
 * tests/unit/domains/otc/sync/content-hash.test.ts proves both agree on a real week.
 */
import { createHash } from 'node:crypto';
import type { ParsedBatch } from '../types.js';

export class ContentHasher {
  readonly #hash = createHash('sha256');
  readonly #seen = new Set<string>();
  rows = 0;
  kept = 0;
  latestUpdate: string | null = null;

  add(batch: ParsedBatch): void {
    this.rows += batch.records.length + batch.rejects.length;
    let hashes = '';
    for (const r of batch.records) {
      const key = `${r.symbol}\u001f${r.mpid}`;
      if (this.#seen.has(key)) continue;
      this.#seen.add(key);
      hashes += r.recordHash;
      this.kept++;
      const lud = r.sourceLastUpdateDate;
      if (lud !== null && (this.latestUpdate === null || lud > this.latestUpdate)) this.latestUpdate = lud;
    }
    this.#hash.update(hashes);
  }

  digest(): string {
    return this.#hash.digest('hex').slice(0, 32);
  }
}
