import { describe, expect, it } from 'vitest';
import { renderObjects } from '../../../../src/cli/output/table.js';

const ROWS = [
  { symbol: 'ECOX', issue_name: 'Eco Innovation Group, Inc. Common Stock', total_volume: 259127041, venue_count: 2 },
  { symbol: 'OZSC', issue_name: 'Ozop Energy Solutions, Inc. Common Stock', total_volume: 122767691, venue_count: 2 },
];

const widest = (text: string): number => Math.max(...text.split('\n').map((l) => l.length));

describe('tables fit the width they are given', () => {
  it('prints every column in full when there is room', () => {
    const out = renderObjects(ROWS, { width: null });
    expect(out).toContain('Eco Innovation Group, Inc. Common Stock');
    expect(out).not.toContain('…');
  });

  it('shortens free text with … and never touches numbers or identifiers', () => {
    const out = renderObjects(ROWS, { width: 60 });
    const table = out.split('\n').filter((l) => !l.startsWith('('));
    expect(widest(table.join('\n'))).toBeLessThanOrEqual(60);
    expect(out).toContain('259,127,041');
    expect(out).toMatch(/^ECOX +Eco Innovation.*…/m);
    expect(out).toContain('(long values shortened with … to fit 60 characters; --wide shows them in full)');
  });

  it('hides columns from the right when shortening is not enough, and names them', () => {
    const out = renderObjects(ROWS, { width: 40 });
    const table = out.split('\n').filter((l) => !l.startsWith('('));
    expect(widest(table.join('\n'))).toBeLessThanOrEqual(40);
    expect(out).toContain('hidden to fit 40 characters: ');
    expect(out).toContain('venue_count; --wide shows');
  });

  it('right-aligns numbers under their header', () => {
    const out = renderObjects([{ n: 5 }, { n: 1234 }], { width: null });
    expect(out.split('\n')).toEqual(['    n', '-----', '    5', '1,234']);
  });
});

describe('a row limit', () => {
  const rows = Array.from({ length: 120 }, (_, i) => ({ i: i + 1 }));

  it('shows the first rows and says how many more exist and how to see them', () => {
    const out = renderObjects(rows, { width: null, limit: 50, allHint: '--all shows every row' });
    expect(out.split('\n')).toHaveLength(2 + 50 + 1);
    expect(out).toContain('… 70 more rows not shown (50 of 120); --all shows every row');
  });

  it('counts rows that were never fetched when told the total', () => {
    const out = renderObjects(rows.slice(0, 3), { width: null, total: 1001, allHint: '--limit N shows more' });
    expect(out).toContain('… 998 more rows not shown (3 of 1,001); --limit N shows more');
  });

  it('prints no footer when every row is shown', () => {
    expect(renderObjects(rows.slice(0, 3), { width: null, limit: 50 })).not.toContain('more row');
  });
});
