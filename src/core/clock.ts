/**
 * Time is injected everywhere so tests can pin it. All timestamps are UTC.
 * `captured_at` has one fixed width (six fractional digits and `+00:00`) so that text comparison
 * (`ORDER BY captured_at DESC`) is also time order — domain-spec §6.1.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that returns `start` and then advances by `stepMs` on every call (deterministic tests). */
export function fixedClock(start: Date | string, stepMs = 0): Clock {
  let t = new Date(start).getTime();
  return {
    now: () => {
      const d = new Date(t);
      t += stepMs;
      return d;
    },
  };
}

/** `2025-12-22T14:05:09.123000+00:00`: the capture clock's fixed-width format. */
export function formatCapturedAt(d: Date): string {
  return `${d.toISOString().slice(0, 23)}000+00:00`;
}

/** `2025-12-22T14:05:09.123Z`: events, executions and logs. */
export function formatUtc(d: Date): string {
  return d.toISOString();
}

export function todayUtc(clock: Clock): string {
  return clock.now().toISOString().slice(0, 10);
}
