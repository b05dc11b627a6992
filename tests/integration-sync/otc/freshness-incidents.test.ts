/**
 * recordFreshness on a real SQLite file: what it opens and resolves when its facts are out of date, and
 * which open incidents it looks at.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { WeekFacts } from '../../../src/domains/otc/calculations/freshness.js';
import { publicationDue } from '../../../src/domains/otc/calculations/publication-calendar.js';
import { recordFreshness } from '../../../src/domains/otc/freshness/incidents.js';
import type { Tier } from '../../../src/domains/otc/tiers.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';

const NOW = new Date('2026-02-01T00:00:00.000Z');
const clock = fixedClock('2026-02-01T00:00:05.000Z');
let t: TempSpine;

beforeEach(() => {
  t = openTempSpine();
});
afterEach(() => t.cleanup());

function facts(tier: Tier, week: string): { tier: Tier; facts: WeekFacts } {
  const due = publicationDue({ tier, lagWeeks: 4, graceHours: 24, exchangeCode: 'XNYS', cadence: '' }, week, {
    years: new Set([2025, 2026]),
    holidays: new Set(),
  });
  return { tier, facts: { due, capture: null, replaced: null, lastRun: null, staleDatasets: 0 } };
}

function publish(tier: Tier, week: string, id: string): void {
  t.spine.db
    .prepare(
      `INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at, status, execution_id, created_at)
       VALUES (?, 'finra.otc_transparency', ?, ?, '2026-01-20T00:00:00.000000+00:00', 'published', 'e', '2026-01-20T00:00:00.000Z')`,
    )
    .run(id, week, tier);
}

const open = (): { partition_key: string; resolved_at: string | null }[] =>
  t.spine.db
    .prepare(`SELECT partition_key, resolved_at FROM core_anomalies WHERE category = 'FRESHNESS' ORDER BY id`)
    .all() as { partition_key: string; resolved_at: string | null }[];

describe('recordFreshness', () => {
  it('opens nothing for a week whose capture was published after its facts were read', () => {
    publish('OTC', '2025-12-12', 'c1');
    const changes = recordFreshness(t.spine.db, clock, NOW, ['OTC'], new Map([['a', facts('OTC', '2025-12-12')]]));
    expect(changes).toEqual({ opened: [], recovered: [] });
    expect(open()).toEqual([]);
  });

  it('opens one incident per late week, then resolves it even when the week has left the window', () => {
    const late = new Map([
      ['a', facts('OTC', '2025-12-12')],
      ['b', facts('NMS_TIER_2', '2025-12-12')],
    ]);
    const first = recordFreshness(t.spine.db, clock, NOW, ['OTC', 'NMS_TIER_2'], late);
    expect(first.opened.map((i) => [i.anomaly_id, i.tier, i.week_ending, i.reason])).toEqual([
      [1, 'OTC', '2025-12-12', 'no_capture'],
      [2, 'NMS_TIER_2', '2025-12-12', 'no_capture'],
    ]);
    expect(recordFreshness(t.spine.db, clock, NOW, ['OTC', 'NMS_TIER_2'], late).opened).toEqual([]);

    publish('OTC', '2025-12-12', 'c1');
    publish('NMS_TIER_2', '2025-12-12', 'c2');
    // A check of OTC only, with an empty window: OTC's incident resolves, NMS Tier 2's is not looked at.
    const second = recordFreshness(t.spine.db, clock, NOW, ['OTC'], new Map());
    expect(second.recovered.map((r) => [r.anomaly_id, r.capture_id, r.late_since])).toEqual([
      [1, 'c1', '2026-02-01T00:00:00.000Z'],
    ]);
    expect(open()).toEqual([
      { partition_key: '{"tier":"OTC","week_ending":"2025-12-12"}', resolved_at: '2026-02-01T00:00:00.000Z' },
      { partition_key: '{"tier":"NMS_TIER_2","week_ending":"2025-12-12"}', resolved_at: null },
    ]);
    expect(recordFreshness(t.spine.db, clock, NOW, ['OTC'], new Map()).recovered).toEqual([]);
  });

  it('does not resolve an incident as of an instant before the capture was taken', () => {
    recordFreshness(t.spine.db, clock, NOW, ['OTC'], new Map([['a', facts('OTC', '2025-12-12')]]));
    publish('OTC', '2025-12-12', 'c1');
    const before = new Date('2026-01-19T00:00:00.000Z');
    expect(recordFreshness(t.spine.db, clock, before, ['OTC'], new Map()).recovered).toEqual([]);
    expect(recordFreshness(t.spine.db, clock, NOW, ['OTC'], new Map()).recovered.length).toBe(1);
  });
});
