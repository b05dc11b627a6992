import { createHash } from 'node:crypto';
import type { Db } from '../../../core/db/open-database.js';
import { DuplicateTracker } from '../dedupe.js';
import { RejectCodes } from '../reject-codes.js';
import { deleteRawKeys, RawWriter } from '../repository/raw.js';
import type { RawRowContext } from '../repository/raw.js';
import { writeRejects } from '../repository/rejects.js';
import type { RejectRow, RejectScope } from '../repository/rejects.js';
import type { ParsedBatch } from '../types.js';

/**
 * Loads parsed batches into one staged capture: each batch in one transaction (records through the
 * within-file dedupe, row rejects to core_rejects), keeping the counters, the content hash and clock 2.
 * Conflicting duplicates can only be known once the whole source is read, so `finish()` removes them.
 */
export class RawCaptureLoader {
  rowsIn = 0;
  inserted = 0;
  rejected = 0;
  duplicates = 0;
  lastLine = 0;
  latestUpdate: string | null;
  readonly #db: Db;
  readonly #source: string;
  readonly #scope: Omit<RejectScope, 'now'>;
  readonly #now: () => Date;
  readonly #writer: RawWriter;
  readonly #dedupe = new DuplicateTracker();
  readonly #hash = createHash('sha256');
  readonly #load: (batch: ParsedBatch) => void;

  constructor(
    db: Db,
    row: RawRowContext,
    scope: Omit<RejectScope, 'now'>,
    now: () => Date,
    latestUpdate: string | null,
    /** The attempt's fence check, run inside every batch transaction (see StageContext.checkFence). */
    fence: () => void = () => undefined,
  ) {
    this.#db = db;
    this.#source = row.sourceFile;
    this.#scope = scope;
    this.#now = now;
    this.latestUpdate = latestUpdate;
    this.#writer = new RawWriter(db, row);
    const load = db.transaction((batch: ParsedBatch) => {
      fence();
      this.#loadBatch(batch);
    });
    // IMMEDIATE: the transaction reads (the fence) before it writes, and a DEFERRED one that does so
    // fails with SQLITE_BUSY at once, without the busy timeout, whenever another connection is writing.
    this.#load = (batch) => load.immediate(batch);
  }

  load(batch: ParsedBatch): void {
    this.rowsIn += batch.records.length + batch.rejects.length;
    this.lastLine = batch.lastLine;
    this.#load(batch);
  }

  #reject(
    reasonCode: string,
    detail: string,
    raw: unknown,
    line: number | null,
    recordKey: string | null = null,
  ): RejectRow {
    return { stage: 'INGEST', reasonCode, detail, raw, recordKey, sourceLocator: this.#source, line };
  }

  #loadBatch(batch: ParsedBatch): void {
    const rejects = batch.rejects.map((rj) => this.#reject(rj.reasonCode, rj.detail, rj.raw, rj.line));
    for (const r of batch.records) {
      const verdict = this.#dedupe.add(r);
      if (verdict.kind === 'duplicate') {
        this.duplicates++;
        const detail = `exact duplicate of line ${verdict.firstLine} (symbol ${r.symbol}, MPID ${r.mpid}); dropped`;
        rejects.push(this.#reject(RejectCodes.DUPLICATE, detail, r, r.line, r.recordHash));
        continue;
      }
      if (verdict.kind === 'conflict') continue; // rejected with its twin in finish()
      this.#hash.update(r.recordHash);
      const lud = r.sourceLastUpdateDate;
      if (lud && (this.latestUpdate === null || lud > this.latestUpdate)) this.latestUpdate = lud;
      this.#writer.insert(r);
      this.inserted++;
    }
    writeRejects(this.#db, { ...this.#scope, now: this.#now() }, rejects);
    this.rejected += rejects.length;
  }

  /** Rejects every row of a key seen with different counts; returns the content hash of what stays. */
  finish(): string {
    const conflicts = this.#dedupe.conflicts();
    if (conflicts.length > 0) {
      this.#db.transaction(() => {
        this.inserted -= deleteRawKeys(
          this.#db,
          this.#scope.captureId,
          conflicts.map((c) => c.key),
        );
        const rows = conflicts.flatMap((c) =>
          c.lines.map((line) =>
            this.#reject(
              RejectCodes.CONFLICTING_DUPLICATE,
              `symbol ${c.key.symbol}, MPID ${c.key.mpid} appears on lines ${c.lines.join(', ')} with different counts; all rejected`,
              { symbol: c.key.symbol, mpid: c.key.mpid, lines: c.lines },
              line,
            ),
          ),
        );
        writeRejects(this.#db, { ...this.#scope, now: this.#now() }, rows);
        this.rejected += rows.length;
      })();
    }
    return this.#hash.digest('hex').slice(0, 32);
  }
}
