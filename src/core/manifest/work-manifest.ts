import { formatUtc, systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open-database.js';

export interface ManifestEntry {
  readonly stage: string;
  readonly stageRank: number;
  readonly rowCount: number | null;
  readonly metrics: Record<string, unknown> | null;
  readonly captureId: string | null;
  readonly executionId: string | null;
  readonly batchId: string | null;
  readonly updatedAt: string;
}

export interface AdvanceOptions {
  readonly rowCount?: number;
  readonly captureId?: string;
  readonly executionId?: string;
  readonly batchId?: string;
  readonly metrics?: Record<string, unknown>;
}

/** JSON with sorted keys, encoded once (the reference double-encoded one domain's keys). */
export function partitionKey(parts: Readonly<Record<string, string>>): string {
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(parts).sort()) sorted[k] = parts[k] as string;
  return JSON.stringify(sorted);
}

interface ManifestRow {
  stage: string;
  stage_rank: number;
  row_count: number | null;
  metrics_json: string | null;
  capture_id: string | null;
  execution_id: string | null;
  batch_id: string | null;
  updated_at: string;
}

/**
 * Current state of a partition's stages (domain-spec §12): one upserted row per (domain, partition,
 * stage); a stage's rank is its index in `stages`. It is not an event log; core_execution_events is.
 */
export class WorkManifest {
  readonly #db: Db;
  readonly #domain: string;
  readonly #stages: readonly string[];
  readonly #clock: Clock;

  constructor(db: Db, domain: string, stages: readonly string[], clock: Clock = systemClock) {
    this.#db = db;
    this.#domain = domain;
    this.#stages = stages;
    this.#clock = clock;
  }

  rank(stage: string): number {
    const r = this.#stages.indexOf(stage);
    if (r < 0) throw new Error(`Unknown stage '${stage}'. Valid stages: [${this.#stages.join(', ')}]`);
    return r;
  }

  advanceTo(key: string, stage: string, options: AdvanceOptions = {}): void {
    const metrics = options.metrics && Object.keys(options.metrics).length > 0 ? JSON.stringify(options.metrics) : null;
    this.#db
      .prepare(
        `INSERT INTO core_manifest (domain, partition_key, stage, stage_rank, row_count, metrics_json, capture_id,
           execution_id, batch_id, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (domain, partition_key, stage) DO UPDATE SET
           stage_rank = excluded.stage_rank, row_count = excluded.row_count, metrics_json = excluded.metrics_json,
           capture_id = excluded.capture_id, execution_id = excluded.execution_id, batch_id = excluded.batch_id,
           updated_at = excluded.updated_at`,
      )
      .run(
        this.#domain,
        key,
        stage,
        this.rank(stage),
        options.rowCount ?? null,
        metrics,
        options.captureId ?? null,
        options.executionId ?? null,
        options.batchId ?? null,
        formatUtc(this.#clock.now()),
      );
  }

  get(key: string): ManifestEntry[] {
    const rows = this.#db
      .prepare('SELECT * FROM core_manifest WHERE domain = ? AND partition_key = ? ORDER BY stage_rank')
      .all(this.#domain, key) as ManifestRow[];
    return rows.map((r) => ({
      stage: r.stage,
      stageRank: r.stage_rank,
      rowCount: r.row_count,
      metrics: r.metrics_json ? (JSON.parse(r.metrics_json) as Record<string, unknown>) : null,
      captureId: r.capture_id,
      executionId: r.execution_id,
      batchId: r.batch_id,
      updatedAt: r.updated_at,
    }));
  }

  latestStage(key: string): ManifestEntry | undefined {
    return this.get(key).at(-1);
  }

  /** True when the highest recorded rank is at least `stage`'s rank (a later stage implies earlier ones). */
  isAtLeast(key: string, stage: string): boolean {
    const rank = this.rank(stage); // first, so an unknown stage is an error even for a new partition
    const latest = this.latestStage(key);
    return latest !== undefined && latest.stageRank >= rank;
  }

  hasStage(key: string, stage: string): boolean {
    return this.get(key).some((e) => e.stage === stage);
  }
}
