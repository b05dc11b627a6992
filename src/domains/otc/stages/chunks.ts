import type { Capture } from '../../../core/captures/capture-registry.js';
import { formatUtc } from '../../../core/clock.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { clearCapture, LineageInsert } from '../repository/derived.js';
import { lineageOf, otcCaptures } from './otc-stage-context.js';

/** Rows written per transaction when a capture is still staged (invisible), between event-loop yields. */
export const ROWS_PER_CHUNK = 20_000;

// Every write transaction here is IMMEDIATE: it starts with the fence check (a read), and a DEFERRED
// transaction that reads before it writes cannot wait for the write lock (SQLite returns SQLITE_BUSY at
// once, busy timeout or not, while another connection writes). IMMEDIATE takes the lock at BEGIN and so
// waits the busy timeout like any single write.

/**
 * Runs `work` on a capture's rows. A staged capture is invisible to readers, so every stretch of `work`
 * between two of its yields is one transaction, followed by a yield to the event loop (heartbeats, lease
 * renewal and cancellation keep flowing); a set-based statement is one stretch however many rows it
 * writes. A published capture is visible, so all of `work` is one transaction: readers see before or
 * after, never half. Every transaction first checks this attempt's fence.
 */
export async function inCapture(
  ctx: StageContext,
  staged: boolean,
  work: () => Iterator<void, void, undefined> | void,
): Promise<void> {
  const fenced = (fn: () => void): void =>
    ctx.db
      .transaction(() => {
        ctx.checkFence();
        fn();
      })
      .immediate();
  let it: Iterator<void, void, undefined> | undefined;
  let done = false;
  const step = (): void => {
    if (it === undefined) {
      const w = work();
      if (!w) {
        done = true;
        return;
      }
      it = w;
    }
    done = it.next().done === true;
    if (!staged) while (!done) done = it.next().done === true;
  };
  fenced(step);
  while (!done) {
    await ctx.yieldControl();
    fenced(step);
  }
}

/**
 * Writes `rows` through `write`. A staged capture is invisible to readers, so its rows can go in bounded
 * transactions with a yield in between (heartbeats and cancellation keep flowing). A published capture
 * is visible, so its rows change in one transaction: readers see before or after, never half.
 */
export async function writeChunked<T>(
  ctx: StageContext,
  staged: boolean,
  prepare: () => void,
  rows: readonly T[],
  write: (row: T) => void,
): Promise<void> {
  if (!staged) {
    ctx.db
      .transaction(() => {
        ctx.checkFence();
        prepare();
        for (const r of rows) write(r);
      })
      .immediate();
    return;
  }
  ctx.db
    .transaction(() => {
      ctx.checkFence();
      prepare();
    })
    .immediate();
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
    const end = Math.min(rows.length, i + ROWS_PER_CHUNK);
    ctx.db
      .transaction(() => {
        ctx.checkFence();
        for (let j = i; j < end; j++) write(rows[j] as T);
      })
      .immediate();
    await ctx.yieldControl();
  }
}

/**
 * Delete-and-insert of one capture's rows in one table (domain-spec §12, L3 idempotency), with lineage
 * appended to every row and the capture's staged/published state deciding the transaction shape.
 * `alongside` runs in the (fenced) transaction that clears the rows, e.g. to record the dataset's inputs.
 */
export async function replaceCaptureRows<T>(
  ctx: StageContext,
  capture: Capture,
  table: string,
  columns: readonly string[],
  rows: readonly T[],
  values: (row: T) => unknown[],
  alongside?: () => void,
): Promise<void> {
  const insert = new LineageInsert(
    ctx.db,
    table,
    columns,
    lineageOf(capture, ctx),
    'calculated_at',
    formatUtc(ctx.clock.now()),
  );
  await writeChunked(
    ctx,
    capture.status === 'staged',
    () => {
      clearCapture(ctx.db, table, capture.capture_id);
      alongside?.();
    },
    rows,
    (r) => insert.insert(values(r)),
  );
  otcCaptures(ctx).setRowCount(capture.capture_id, table, rows.length);
}
