import { formatUtc, systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open-database.js';
import { checkInjectedFault } from '../execution/fault-injection.js';

export type CaptureStatus = 'staged' | 'published' | 'superseded' | 'deleted' | 'failed';

export interface Capture {
  readonly capture_id: string;
  readonly domain: string;
  readonly week_ending: string;
  readonly tier: string;
  readonly captured_at: string;
  readonly source_last_update_date: string | null;
  readonly source: string | null;
  readonly status: CaptureStatus;
  readonly row_counts: Record<string, number>;
  readonly content_hash: string | null;
  readonly execution_id: string;
  readonly batch_id: string | null;
  readonly quality_status: string | null;
  readonly status_reason: string | null;
  readonly created_at: string;
  readonly published_at: string | null;
  readonly superseded_by: string | null;
  readonly deleted_at: string | null;
  /** A recompute capture: the capture whose source rows it carries (migration 071); null otherwise. */
  readonly base_capture_id: string | null;
}

export interface NewCapture {
  readonly captureId: string;
  readonly domain: string;
  readonly weekEnding: string;
  readonly tier: string;
  readonly capturedAt: string;
  readonly sourceLastUpdateDate: string | null;
  readonly source: string;
  readonly executionId: string;
  readonly batchId: string;
  readonly contentHash?: string | null;
}

type Row = Omit<Capture, 'row_counts'> & { row_counts: string };
const toCapture = (r: Row): Capture => ({ ...r, row_counts: JSON.parse(r.row_counts) as Record<string, number> });

/**
 * The captures registry (core_captures). Rows are written under a `staged` capture and become visible
 * to readers (the *_latest views, as-of helpers) only when `publish` flips the status, which happens in
 * one transaction — so a capture is visible whole or not at all.
 */
export class CaptureRegistry {
  readonly #db: Db;
  readonly #clock: Clock;
  /** Capture-scoped tables per domain, each with a capture_id column; used to delete a capture's rows. */
  readonly #tables: ReadonlyMap<string, readonly string[]>;

  constructor(db: Db, tables: ReadonlyMap<string, readonly string[]>, clock: Clock = systemClock) {
    this.#db = db;
    this.#tables = tables;
    this.#clock = clock;
  }

  tablesOf(domain: string): readonly string[] {
    return this.#tables.get(domain) ?? [];
  }

  createStaged(c: NewCapture): void {
    this.#db
      .prepare(
        `INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at, source_last_update_date, source,
           status, content_hash, execution_id, batch_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'staged', ?, ?, ?, ?)`,
      )
      .run(
        c.captureId,
        c.domain,
        c.weekEnding,
        c.tier,
        c.capturedAt,
        c.sourceLastUpdateDate,
        c.source,
        c.contentHash ?? null,
        c.executionId,
        c.batchId,
        formatUtc(this.#clock.now()),
      );
  }

  get(captureId: string): Capture | undefined {
    const row = this.#db.prepare('SELECT * FROM core_captures WHERE capture_id = ?').get(captureId) as Row | undefined;
    return row ? toCapture(row) : undefined;
  }

  /** The latest published capture of a partition ("latest" = captured_at DESC). */
  latestPublished(domain: string, weekEnding: string, tier: string): Capture | undefined {
    const row = this.#db
      .prepare(
        `SELECT * FROM core_captures WHERE domain = ? AND week_ending = ? AND tier = ? AND status = 'published'
         ORDER BY captured_at DESC LIMIT 1`,
      )
      .get(domain, weekEnding, tier) as Row | undefined;
    return row ? toCapture(row) : undefined;
  }

  setRowCount(captureId: string, table: string, count: number): void {
    this.#db
      .prepare(
        `UPDATE core_captures SET row_counts = json_set(row_counts, '$.' || ?, CAST(? AS INTEGER)) WHERE capture_id = ?`,
      )
      .run(table, count, captureId);
  }

  /** Clock 2 for the capture: the newest lastUpdateDate seen among its rows. */
  setSourceLastUpdateDate(captureId: string, date: string | null): void {
    this.#db.prepare('UPDATE core_captures SET source_last_update_date = ? WHERE capture_id = ?').run(date, captureId);
  }

  setContentHash(captureId: string, hash: string): void {
    this.#db.prepare('UPDATE core_captures SET content_hash = ? WHERE capture_id = ?').run(hash, captureId);
  }

  /** The capture whose source rows `captureId` holds: itself, or the base of a recompute capture. */
  #sourceOf(captureId: string | null): string | null {
    if (captureId === null) return null;
    return this.get(captureId)?.base_capture_id ?? captureId;
  }

  /**
   * Publishes a staged capture. With `replace`, the partition's current latest capture is superseded and
   * its rows deleted in the same transaction, so readers never see both or neither. `fence` (the
   * attempt's fence check) runs first inside the transaction: a stale attempt publishes nothing. With
   * `onlyIfFirst` (a run without --force), a capture another run published meanwhile wins: this one is
   * discarded and `published` is false. `expectLatest` (sync) is the same guard for a revision: publish
   * only if the partition's latest published capture is still that one (null: none), else discard.
   */
  publish(
    captureId: string,
    options: {
      qualityStatus: string;
      replace?: boolean;
      fence?: () => void;
      onlyIfFirst?: boolean;
      expectLatest?: string | null;
    },
  ): { published: boolean; replaced: string | null; winner: string | null } {
    return this.#db
      .transaction(() => {
        options.fence?.();
        const c = this.get(captureId);
        if (!c) throw new Error(`Capture ${captureId} not found`);
        if (c.status !== 'staged') throw new Error(`Capture ${captureId} is ${c.status}, not staged`);
        const latest = this.latestPublished(c.domain, c.week_ending, c.tier);
        // Compared by source rows: a recompute capture (base_capture_id) published meanwhile carries the
        // same source rows as the capture it follows, so it does not count as "moved" (a sync that found W
        // and W+1 revised would otherwise lose W+1's revision to W's recompute of W+1).
        const moved =
          options.expectLatest !== undefined &&
          this.#sourceOf(latest?.capture_id ?? null) !== this.#sourceOf(options.expectLatest);
        if ((options.onlyIfFirst && !options.replace && latest) || (moved && latest)) {
          this.deleteRows(c.domain, captureId);
          this.#db.prepare(`DELETE FROM core_captures WHERE capture_id = ?`).run(captureId);
          return { published: false, replaced: null, winner: latest.capture_id };
        }
        const previous = options.replace ? latest : undefined;
        const now = formatUtc(this.#clock.now());
        this.#db
          .prepare(
            `UPDATE core_captures SET status = 'published', published_at = ?, quality_status = ? WHERE capture_id = ?`,
          )
          .run(now, options.qualityStatus, captureId);
        if (previous) {
          this.deleteRows(previous.domain, previous.capture_id);
          this.#db
            .prepare(
              `UPDATE core_captures SET status = 'superseded', superseded_by = ?, deleted_at = ?,
                 status_reason = 'replaced by --replace-capture' WHERE capture_id = ?`,
            )
            .run(captureId, now, previous.capture_id);
        }
        // Test-only (SPINE_FAULTS_FILE key `captures/publish`): a fault after every write, before the commit.
        checkInjectedFault('captures', 'publish', 1);
        return { published: true, replaced: previous?.capture_id ?? null, winner: null };
      })
      .immediate();
  }

  markFailed(captureId: string, reason: string, qualityStatus?: string): void {
    this.#db
      .prepare(
        `UPDATE core_captures SET status = 'failed', status_reason = ?, quality_status = COALESCE(?, quality_status)
         WHERE capture_id = ? AND status = 'staged'`,
      )
      .run(reason, qualityStatus ?? null, captureId);
  }

  /** Deletes a capture's rows from every capture-scoped table of its domain; returns rows per table. */
  deleteRows(domain: string, captureId: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const table of this.tablesOf(domain)) {
      counts[table] = this.#db.prepare(`DELETE FROM ${table} WHERE capture_id = ?`).run(captureId).changes;
    }
    return counts;
  }

  /**
   * A crashed or failed attempt leaves a staged (or failed) capture behind; the retry calls this first so
   * the run ends with exactly one capture. Returns the capture ids discarded.
   */
  discardStagedOf(executionId: string): string[] {
    const ids = (
      this.#db
        .prepare(
          `SELECT capture_id, domain FROM core_captures WHERE execution_id = ? AND status IN ('staged', 'failed')`,
        )
        .all(executionId) as { capture_id: string; domain: string }[]
    ).map((r) => r);
    for (const { capture_id, domain } of ids) {
      this.#db.transaction(() => {
        this.deleteRows(domain, capture_id);
        this.#db.prepare(`DELETE FROM core_captures WHERE capture_id = ?`).run(capture_id);
      })();
    }
    return ids.map((r) => r.capture_id);
  }
}
