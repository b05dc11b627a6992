import type { StageContext } from '../../../core/pipeline/types.js';

/** Rows written per transaction when a capture is still staged (invisible), between event-loop yields. */
export const ROWS_PER_CHUNK = 20_000;

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
    ctx.db.transaction(() => {
      prepare();
      for (const r of rows) write(r);
    })();
    return;
  }
  ctx.db.transaction(prepare)();
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
    const end = Math.min(rows.length, i + ROWS_PER_CHUNK);
    ctx.db.transaction(() => {
      for (let j = i; j < end; j++) write(rows[j] as T);
    })();
    await ctx.yieldControl();
  }
}
