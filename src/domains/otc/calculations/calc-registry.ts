/**
 * The calculation registry `CALCS` (domain-spec §10.3): which calculations exist, their versions, the
 * table each writes and its business key. Gold rows carry calc_name/calc_version so a change of method
 * is visible in the data; the invariants keep the registry honest as versions are added.
 */
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export const OTC_TABLE_PREFIX = 'finra_otc_transparency_';

export interface CalcSpec {
  /** Oldest first. */
  readonly versions: readonly string[];
  readonly current: string;
  readonly deprecated: readonly string[];
  readonly table: string;
  readonly businessKeys: readonly string[];
}

const SYMBOL_KEYS = ['week_ending', 'tier', 'symbol'] as const;
const VENUE_KEYS = ['week_ending', 'tier', 'mpid'] as const;
const SYMBOL_VENUE_KEYS = ['week_ending', 'tier', 'symbol', 'mpid'] as const;

function v1(table: string, businessKeys: readonly string[]): CalcSpec {
  return { versions: ['v1'], current: 'v1', deprecated: [], table: OTC_TABLE_PREFIX + table, businessKeys };
}

export const CALCS = {
  symbol_summary: v1('symbol_summary', SYMBOL_KEYS),
  rolling_6w: v1('symbol_rolling_6w', SYMBOL_KEYS),
  liquidity_score: v1('liquidity_score', SYMBOL_KEYS),
  venue_share: v1('venue_share', VENUE_KEYS),
  weekly_symbol_venue_volume: v1('weekly_symbol_venue_volume', SYMBOL_VENUE_KEYS),
  weekly_symbol_venue_share: v1('weekly_symbol_venue_share', SYMBOL_VENUE_KEYS),
  weekly_symbol_venue_concentration_hhi: v1('weekly_symbol_venue_concentration_hhi', SYMBOL_KEYS),
  weekly_symbol_tier_volume_share: v1('weekly_symbol_tier_volume_share', SYMBOL_KEYS),
} as const satisfies Record<string, CalcSpec>;
export type CalcName = keyof typeof CALCS;

function specOf(name: string, registry: Readonly<Record<string, CalcSpec>>): CalcSpec {
  const spec = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (spec === undefined) {
    throw new SpineError(ErrorCodes.NOT_FOUND, `Unknown calc '${name}'. Known: ${Object.keys(registry).join(', ')}`, {
      details: { calc: name },
      nonRetryable: true,
    });
  }
  return spec;
}

export function getCurrentVersion(name: string, registry: Readonly<Record<string, CalcSpec>> = CALCS): string {
  return specOf(name, registry).current;
}

/** `v10` → 10, so versions order numerically (v10 after v2), not as text. */
export function versionRank(version: string): number {
  const m = /^v(\d+)$/.exec(version);
  if (m?.[1] === undefined) {
    throw new SpineError(ErrorCodes.INVALID_PARAMS, `Invalid calc version '${version}'; expected v<N>`, {
      nonRetryable: true,
    });
  }
  return Number(m[1]);
}

export function isDeprecated(
  name: string,
  version: string,
  registry: Readonly<Record<string, CalcSpec>> = CALCS,
): boolean {
  return specOf(name, registry).deprecated.includes(version);
}

/** The warning to log when a deprecated version is requested, else null. */
export function deprecationWarning(
  name: string,
  version: string,
  registry: Readonly<Record<string, CalcSpec>> = CALCS,
): string | null {
  if (!isDeprecated(name, version, registry)) return null;
  return `Calc ${name} ${version} is deprecated; current is ${getCurrentVersion(name, registry)}`;
}

export interface CalcMetadata {
  readonly calcName: string;
  readonly calcVersion: string;
  readonly isCurrent: boolean;
  readonly deprecated: boolean;
  readonly deprecationWarning: string | null;
  readonly table: string;
  readonly businessKeys: readonly string[];
}

/** Metadata for a calc at `version` (default: current); an unknown version is a user error. */
export function getCalcMetadata(
  name: string,
  version?: string,
  registry: Readonly<Record<string, CalcSpec>> = CALCS,
): CalcMetadata {
  const spec = specOf(name, registry);
  const v = version ?? spec.current;
  if (!spec.versions.includes(v)) {
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `Unknown version '${v}' for calc ${name}. Known: ${spec.versions.join(', ')}`,
      {
        details: { calc: name, version: v },
        nonRetryable: true,
      },
    );
  }
  return {
    calcName: name,
    calcVersion: v,
    isCurrent: v === spec.current,
    deprecated: spec.deprecated.includes(v),
    deprecationWarning: deprecationWarning(name, v, registry),
    table: spec.table,
    businessKeys: spec.businessKeys,
  };
}

/** Registry invariants; returns every violation (empty = healthy). */
export function checkRegistryInvariants(registry: Readonly<Record<string, CalcSpec>> = CALCS): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(registry)) {
    if (s.versions.length === 0) out.push(`${name}: versions is empty`);
    if (!s.versions.includes(s.current)) out.push(`${name}: current ${s.current} is not in versions`);
    if (s.deprecated.includes(s.current)) out.push(`${name}: current ${s.current} is deprecated`);
    for (const d of s.deprecated) if (!s.versions.includes(d)) out.push(`${name}: deprecated ${d} is not in versions`);
    const valid = s.versions.every((v) => /^v\d+$/.test(v));
    if (!valid) out.push(`${name}: versions must look like v<N>`);
    else if (s.versions.some((v, i) => i > 0 && versionRank(v) <= versionRank(s.versions[i - 1] ?? 'v0'))) {
      out.push(`${name}: versions are not listed oldest first`);
    }
    if (s.businessKeys.length === 0) out.push(`${name}: businessKeys is empty`);
    if (!/^[a-z][a-z0-9_]*$/.test(s.table) || !s.table.startsWith(OTC_TABLE_PREFIX)) {
      out.push(`${name}: table '${s.table}' must be snake_case with prefix ${OTC_TABLE_PREFIX}`);
    }
  }
  return out;
}
