import type { Db } from '../db/open-database.js';
import { idTooShort, MIN_ID_FRAGMENT, pickOne } from '../id-prefix.js';

interface Row {
  readonly capture_id: string;
  readonly week_ending: string;
  readonly tier: string;
  readonly status: string;
  readonly captured_at: string;
}

/**
 * A capture id as a user copies it: the full id (`finra.otc_transparency:OTC:2025-12-12:bc978c`), a
 * unique prefix of it, its short hash (`bc978c`, or a unique 4+ character start of it), or a trailing
 * part (`OTC:2025-12-12:bc978c`). Ambiguous input lists the candidates.
 */
export function resolveCaptureId(db: Db, typed: string): string {
  const text = typed.trim();
  const exact = db.prepare('SELECT capture_id FROM core_captures WHERE capture_id = ?').get(text) as
    { capture_id: string } | undefined;
  if (exact) return exact.capture_id;
  if (text.length < MIN_ID_FRAGMENT) throw idTooShort('Capture', text);
  const rows = db
    .prepare(
      `SELECT capture_id, week_ending, tier, status, captured_at FROM core_captures
       WHERE instr(capture_id, ?) > 0 ORDER BY captured_at DESC`,
    )
    .all(text) as Row[];
  const matches = rows.filter((r) => {
    const id = r.capture_id;
    const hash = id.slice(id.lastIndexOf(':') + 1);
    return id.startsWith(text) || hash.startsWith(text) || id.endsWith(`:${text}`);
  });
  return pickOne(
    'Capture',
    text,
    matches.map((r) => ({
      id: r.capture_id,
      label: `${r.week_ending} ${r.tier} ${r.status}, captured ${r.captured_at.slice(0, 19)}Z`,
    })),
    'spine captures list',
  );
}
