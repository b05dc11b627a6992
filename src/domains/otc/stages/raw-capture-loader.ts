import { createHash } from 'node:crypto';
import type { Db } from '../../../core/db/open-database.js';
import { countEquals } from '../count.js';
import { RejectCodes } from '../reject-codes.js';
import { RawWriter } from '../repository/raw.js';
import type { RawRowContext } from '../repository/raw.js';
import { writeRejects } from '../repository/rejects.js';
import type { RejectRow, RejectScope } from '../repository/rejects.js';
import type { ParsedBatch, RawOtcRecord } from '../types.js';

interface Conflict {
  readonly symbol: string;
  readonly mpid: string;
  readonly lines: number[];
}

/**
 * Loads parsed batches into one staged capture: each `load` call is one transaction (the attempt's fence
 * checked first), records through the within-file dedupe, row rejects to core_rejects, keeping the
 * counters, the content hash and clock 2. Conflicting duplicates can only be known once the whole source
 * is read, so `finish()` removes them.
 *
 * The dedupe is `DuplicateTracker`'s rule (src/domains/otc/dedupe.ts) without its per-row key map: the raw
 * table's UNIQUE key already holds the first row of every key, so a row the insert skips repeated a key
 * and the row holding it says whether it is an exact DUPLICATE (dropped) or a CONFLICTING_DUPLICATE.
 * Only keys that conflict are remembered. The per-row work is copying ten values into the statement's
 * parameter array.
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
  readonly #conflicts = new Map<string, Conflict>();
  readonly #hash = createHash('sha256');
  readonly #fence: () => void;
  readonly #load: (batches: readonly ParsedBatch[]) => void;

  constructor(
    db: Db,
    row: RawRowContext,
    scope: Omit<RejectScope, 'now'>,
    now: () => Date,
    latestUpdate: string | null,
    /** The attempt's fence check, run inside every load transaction (see StageContext.checkFence). */
    fence: () => void = () => undefined,
  ) {
    this.#db = db;
    this.#source = row.sourceFile;
    this.#scope = scope;
    this.#now = now;
    this.latestUpdate = latestUpdate;
    this.#writer = new RawWriter(db, row);
    this.#fence = fence;
    const load = db.transaction((batches: readonly ParsedBatch[]) => {
      fence();
      const rejects: RejectRow[] = [];
      for (const batch of batches) this.#loadBatch(batch, rejects);
      writeRejects(this.#db, { ...this.#scope, now: this.#now() }, rejects);
      this.rejected += rejects.length;
    });
    // IMMEDIATE: the transaction reads (the fence) before it writes, and a DEFERRED one that does so
    // fails with SQLITE_BUSY at once, without the busy timeout, whenever another connection is writing.
    this.#load = (batches) => load.immediate(batches);
  }

  /** Loads several parsed batches (in source order) in one transaction. */
  load(batches: ParsedBatch | readonly ParsedBatch[]): void {
    const list = Array.isArray(batches) ? (batches as readonly ParsedBatch[]) : [batches as ParsedBatch];
    for (const b of list) {
      this.rowsIn += b.records.length + b.rejects.length;
      this.lastLine = b.lastLine;
    }
    this.#load(list);
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

  #loadBatch(batch: ParsedBatch, rejects: RejectRow[]): void {
    for (const rj of batch.rejects) rejects.push(this.#reject(rj.reasonCode, rj.detail, rj.raw, rj.line));
    const records = batch.records;
    const written = this.#writer.insert(records, 0, records.length);
    // Every row went in (the common case): all are first rows of their keys.
    const kept = written === records.length ? records : records.filter((r) => this.#keep(r, rejects));
    let hashes = '';
    let latest = this.latestUpdate;
    for (const r of kept) {
      hashes += r.recordHash;
      const lud = r.sourceLastUpdateDate;
      if (lud !== null && (latest === null || lud > latest)) latest = lud;
    }
    this.latestUpdate = latest;
    this.#hash.update(hashes);
    this.inserted += kept.length;
  }

  /** Whether `r` is the row holding its key; otherwise it is a DUPLICATE reject or joins its conflict. */
  #keep(r: RawOtcRecord, rejects: RejectRow[]): boolean {
    const holder = this.#writer.holder(r.symbol, r.mpid);
    if (holder === undefined || holder.line === r.line) return true;
    const key = `${r.symbol}\u001f${r.mpid}`;
    const conflict = this.#conflicts.get(key);
    if (conflict !== undefined) {
      conflict.lines.push(r.line);
    } else if (countEquals(holder.totalShares, r.totalShares) && countEquals(holder.totalTrades, r.totalTrades)) {
      this.duplicates++;
      const detail = `exact duplicate of line ${holder.line} (symbol ${r.symbol}, MPID ${r.mpid}); dropped`;
      rejects.push(this.#reject(RejectCodes.DUPLICATE, detail, r, r.line, r.recordHash));
    } else {
      this.#conflicts.set(key, { symbol: r.symbol, mpid: r.mpid, lines: [holder.line, r.line] });
    }
    return false;
  }

  /** Rejects every row of a key seen with different counts; returns the content hash of what stays. */
  finish(): string {
    const conflicts = [...this.#conflicts.values()];
    if (conflicts.length > 0) {
      this.#db.transaction(() => {
        this.#fence();
        for (const c of conflicts) this.inserted -= this.#writer.deleteKey(c.symbol, c.mpid);
        const rows = conflicts.flatMap((c) => {
          const lines = [...c.lines].sort((a, b) => a - b);
          return lines.map((line) =>
            this.#reject(
              RejectCodes.CONFLICTING_DUPLICATE,
              `symbol ${c.symbol}, MPID ${c.mpid} appears on lines ${lines.join(', ')} with different counts; all rejected`,
              { symbol: c.symbol, mpid: c.mpid, lines },
              line,
            ),
          );
        });
        writeRejects(this.#db, { ...this.#scope, now: this.#now() }, rows);
        this.rejected += rows.length;
      })();
    }
    return this.#hash.digest('hex').slice(0, 32);
  }
}
