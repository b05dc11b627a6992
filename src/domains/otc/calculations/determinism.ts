/**
 * Determinism helpers (domain-spec §10.3): two runs of a calculation must produce the same rows apart from
 * audit fields (timestamps, ids, the `rn` of latest views). Comparison ignores those fields and row order.
 */
export const AUDIT_FIELDS: readonly string[] = [
  'calculated_at',
  'ingested_at',
  'normalized_at',
  'computed_at',
  'id',
  'rn',
  'calculatedAt',
  'ingestedAt',
  'normalizedAt',
  'computedAt',
];

export function stripAuditFields<T extends Record<string, unknown>>(row: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!AUDIT_FIELDS.includes(k)) out[k] = v;
  return out as Partial<T>;
}

function canonical(row: Record<string, unknown>): string {
  const stripped = stripAuditFields(row);
  const keys = Object.keys(stripped).sort();
  return JSON.stringify(
    keys.map((k) => [k, stripped[k]]),
    (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v),
  );
}

/** True when both lists hold the same rows (as multisets), ignoring audit fields and order. */
export function rowsEqualIgnoringAudit(
  a: readonly Record<string, unknown>[],
  b: readonly Record<string, unknown>[],
): boolean {
  if (a.length !== b.length) return false;
  const x = a.map(canonical).sort();
  const y = b.map(canonical).sort();
  return x.every((v, i) => v === y[i]);
}
