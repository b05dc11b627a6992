/**
 * Wires the live progress line to a run. A sync run writes its events in this process: the display
 * listens to them (it updates even while a stage keeps the event loop busy). A background run's events
 * are written by the worker: the display polls SQLite. Both read the same model (ProgressTracker), which
 * is also what `executions watch` draws.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Spine } from '../../app/spine.js';
import type { Db } from '../../core/db/open-database.js';
import { ProgressTracker } from '../../core/execution/progress.js';
import type { RowsHint } from '../../core/execution/progress.js';
import { ProgressDisplay, progressMode } from './progress-display.js';

/** Heartbeat lines of a background run (`ingest › ingest.bulk_insert rows_in=…`): the live line shows them. */
const HEARTBEAT_LINE = /^\S+ › /;

/** Data rows of a delimited file (lines minus the header), counted once per path. */
export function fileRowsHint(): RowsHint {
  const memo = new Map<string, number | undefined>();
  return (params) => {
    const file = params['file_path'];
    if (typeof file !== 'string' || params['source'] === 'api') return undefined;
    if (!memo.has(file)) memo.set(file, countDataLines(file));
    return memo.get(file);
  };
}

function countDataLines(file: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(1 << 20);
    let lines = 0;
    let last = 0x0a;
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      for (let i = 0; i < n; i++) if (buf[i] === 0x0a) lines++;
      last = buf[n - 1] ?? last;
    }
    if (last !== 0x0a) lines++;
    return Math.max(0, lines - 1);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface RunProgressOptions {
  /** False for --json and dry runs: no display at all. */
  readonly live: boolean;
  /** Where plain progress lines go when there is no live display (stderr). */
  readonly log: (line: string) => void;
}

/** Runs `submit` with the live display on a terminal, or with plain progress lines otherwise. */
export async function runWithProgress<T>(
  spine: Pick<Spine, 'db' | 'events'>,
  options: RunProgressOptions,
  submit: (onProgress: (line: string) => void) => Promise<T>,
): Promise<T> {
  if (!options.live || progressMode() === 'off') return submit(options.log);
  const display = new ProgressDisplay(process.stderr).start();
  let tracker: ProgressTracker | undefined;
  const rowsHint = fileRowsHint();
  const refresh = (): void => {
    const snapshot = tracker?.poll();
    if (snapshot) display.update(snapshot);
  };
  const unsubscribe = spine.events.subscribe((id, event) => {
    if (!tracker && event.type === 'submitted') tracker = new ProgressTracker(spine.db, id, { rowsHint });
    refresh();
  });
  const timer = setInterval(refresh, 250);
  timer.unref();
  try {
    return await submit((line) => {
      if (!HEARTBEAT_LINE.test(line)) display.note(line);
    });
  } finally {
    clearInterval(timer);
    unsubscribe();
    display.stop();
  }
}

/** The same display for an execution this process only watches (`executions watch`). */
export function watchDisplay(db: Db, executionId: string): { refresh(): void; stop(): void } {
  const display = new ProgressDisplay(process.stderr).start();
  const tracker = new ProgressTracker(db, executionId, { rowsHint: fileRowsHint() });
  return {
    refresh: () => {
      const snapshot = tracker.poll();
      if (snapshot) display.update(snapshot);
    },
    stop: () => display.stop(),
  };
}
