/**
 * The one live progress line of `spine run`, `run --async --wait` and `executions watch` on a terminal:
 *
 *   ⠹ week · stage 3/8 aggregate · 5,328/5,328 rows · 0:02
 *   ⠼ backfill_range · weeks 1/2 · 2025-12-19 stage 5/8 symbol_venue_calcs · 5,192/5,192 rows · 0:07
 *
 * It is redrawn in place on stderr and erased before anything else is printed; off a terminal nothing is
 * drawn (`SPINE_PROGRESS=always|never` overrides the terminal check).
 */
import type { ProgressSnapshot, StageProgress } from '../../core/execution/progress.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** m:ss, or h:mm:ss past an hour. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number): string => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  return h > 0 ? `${h}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

function stageText(s: StageProgress | null): string[] {
  if (!s) return ['starting'];
  const parts = [`stage ${s.index}/${s.count} ${s.name}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}`];
  if (s.rowsDone !== null && s.rowsTotal !== null) {
    parts.push(`${s.rowsDone.toLocaleString('en-US')}/${s.rowsTotal.toLocaleString('en-US')} rows`);
  } else if (s.rowsDone !== null) {
    parts.push(`${s.rowsDone.toLocaleString('en-US')} rows`);
  }
  return parts;
}

/** The text of the progress line, without spinner and elapsed time (also what plain output prints). */
export function describeProgress(p: ProgressSnapshot): string {
  const name = p.pipeline.slice(p.pipeline.lastIndexOf('.') + 1);
  const parts = [name];
  if (p.weeks) {
    parts.push(`weeks ${p.weeks.done}/${p.weeks.total}${p.weeks.failed > 0 ? ` (${p.weeks.failed} failed)` : ''}`);
    if (p.child) {
      const [first, ...rest] = stageText(p.child.stage);
      parts.push(`${p.child.week ?? ''} ${first ?? ''}`.trim(), ...rest);
    } else if (p.stage) parts.push(...stageText(p.stage));
  } else {
    parts.push(...stageText(p.stage));
  }
  const retry = p.child?.retry ?? p.retry;
  if (retry) parts.push(retry);
  return parts.join(' · ');
}

export type ProgressMode = 'live' | 'off';

/** Live on a terminal (stderr), unless `SPINE_PROGRESS` says `always` or `never`. */
export function progressMode(stream: NodeJS.WriteStream = process.stderr, env = process.env): ProgressMode {
  const v = env['SPINE_PROGRESS']?.toLowerCase();
  if (v === 'always') return 'live';
  if (v === 'never') return 'off';
  return stream.isTTY ? 'live' : 'off';
}

/** Draws and erases the live line; `note()` prints a line above it. */
export class ProgressDisplay {
  readonly #out: NodeJS.WriteStream;
  #started: number;
  #frame = 0;
  #text = '';
  #drawn = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.#out = out;
    this.#started = Date.now();
  }

  /** Redraws every 100 ms while the event loop is free (spinner and clock). */
  start(): this {
    this.#timer = setInterval(() => this.#draw(), 100);
    this.#timer.unref();
    return this;
  }

  /** Elapsed time counts from the execution's creation (a watched run may have started long ago). */
  update(p: ProgressSnapshot): void {
    const created = Date.parse(p.createdAt);
    if (!Number.isNaN(created)) this.#started = created;
    this.#text = describeProgress(p);
    this.#draw();
  }

  note(line: string): void {
    this.#erase();
    this.#out.write(`${line}\n`);
    this.#draw();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#erase();
  }

  #draw(): void {
    if (!this.#text) return;
    this.#frame = (this.#frame + 1) % FRAMES.length;
    const line = `${FRAMES[this.#frame] ?? ''} ${this.#text} · ${formatElapsed(Date.now() - this.#started)}`;
    const width = this.#out.columns > 0 ? this.#out.columns - 1 : 120;
    this.#out.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    this.#drawn = true;
  }

  #erase(): void {
    if (this.#drawn) this.#out.write('\r\x1b[2K');
    this.#drawn = false;
  }
}
