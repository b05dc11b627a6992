import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Execution ids are UUID4: minted once by the dispatcher and carried onto every row and log line. */
export function newExecutionId(): string {
  return randomUUID();
}

/** `{prefix}_{YYYYMMDDTHHMMSS}_{8hex}` (or `batch_…` without a prefix) — domain-spec §12. */
export function newBatchId(now: Date, prefix = 'batch'): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${prefix}_${stamp}_${randomBytes(4).toString('hex')}`;
}

/**
 * `{domain}:{TIER}:{week_ending}:{h6}`, h6 = first 6 hex of sha256(`{TIER}|{week}|{captured_at}`) — domain-spec §6.2.
 * Not deterministic across runs on purpose: every forced re-ingest is a new capture.
 */
export function makeCaptureId(domain: string, partition: string, week: string, capturedAt: string): string {
  const h6 = createHash('sha256').update(`${partition}|${week}|${capturedAt}`).digest('hex').slice(0, 6);
  return `${domain}:${partition}:${week}:${h6}`;
}
