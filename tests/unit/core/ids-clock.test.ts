import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixedClock, formatCapturedAt, formatUtc, todayUtc } from '../../../src/core/clock.js';
import { makeCaptureId, newBatchId, newExecutionId } from '../../../src/core/ids.js';

describe('ids', () => {
  it('builds capture ids as domain:TIER:week:6hex from sha256 of TIER|week|captured_at', () => {
    const capturedAt = '2025-12-15T10:00:00.000000+00:00';
    const id = makeCaptureId('finra.otc_transparency', 'OTC', '2025-12-12', capturedAt);

    expect(id).toMatch(/^finra\.otc_transparency:OTC:2025-12-12:[0-9a-f]{6}$/);
    const h6 = createHash('sha256').update(`OTC|2025-12-12|${capturedAt}`).digest('hex').slice(0, 6);
    expect(id).toBe(`finra.otc_transparency:OTC:2025-12-12:${h6}`);
    expect(makeCaptureId('finra.otc_transparency', 'OTC', '2025-12-12', capturedAt)).toBe(id);
    expect(makeCaptureId('finra.otc_transparency', 'OTC', '2025-12-12', '2025-12-15T10:00:00.001000+00:00')).not.toBe(
      id,
    );
  });

  it('builds batch ids as prefix_YYYYMMDDTHHMMSS_8hex with batch as the default prefix', () => {
    const now = new Date('2025-12-22T14:05:09.123Z');

    expect(newBatchId(now, 'week')).toMatch(/^week_20251222T140509_[0-9a-f]{8}$/);
    expect(newBatchId(now)).toMatch(/^batch_20251222T140509_[0-9a-f]{8}$/);
    expect(newBatchId(now)).not.toBe(newBatchId(now));
  });

  it('mints execution ids as UUID v4', () => {
    const id = newExecutionId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newExecutionId()).not.toBe(id);
  });
});

describe('clock', () => {
  it('formats captured_at with a fixed width of six fractional digits and +00:00', () => {
    expect(formatCapturedAt(new Date('2025-12-22T14:05:09.123Z'))).toBe('2025-12-22T14:05:09.123000+00:00');
    expect(formatCapturedAt(new Date('2025-01-03T00:00:00.000Z'))).toBe('2025-01-03T00:00:00.000000+00:00');
    expect(formatCapturedAt(new Date('2025-12-22T14:05:09Z'))).toHaveLength(32);
  });

  it('formats captured_at so that text order is time order', () => {
    const times = [
      '2025-12-22T14:05:09.900Z',
      '2025-12-22T14:05:10Z',
      '2025-12-22T14:05:09.09Z',
      '2025-12-22T09:00:00Z',
    ];
    const formatted = times.map((t) => formatCapturedAt(new Date(t)));
    const byText = [...formatted].sort();
    const byTime = [...times]
      .sort((a, b) => new Date(a).getTime() - new Date(b).getTime())
      .map((t) => formatCapturedAt(new Date(t)));

    expect(byText).toEqual(byTime);
  });

  it('formats event timestamps as UTC ISO ending in Z and derives today in UTC', () => {
    const clock = fixedClock('2025-12-31T23:59:59.999Z');
    expect(formatUtc(clock.now())).toBe('2025-12-31T23:59:59.999Z');
    expect(todayUtc(clock)).toBe('2025-12-31');
  });

  it('gives a fixed clock that advances by its step on every call', () => {
    const clock = fixedClock('2025-12-15T10:00:00.000Z', 250);

    expect([clock.now(), clock.now(), clock.now()].map(formatUtc)).toEqual([
      '2025-12-15T10:00:00.000Z',
      '2025-12-15T10:00:00.250Z',
      '2025-12-15T10:00:00.500Z',
    ]);
  });
});
