/**
 * FINRA OTC transparency tiers (domain-spec §4). Three different vocabularies meet here and each has its own
 * mapping on purpose: CLI/API aliases (strict, exact keys), the file's tierDescription text (lenient, but
 * unknown text is *never* silently OTC: that is reference bug §2 #17's cousin), file-name hints, and the
 * Query API's tierIdentifier.
 */
import { ErrorCodes, SpineError } from '../../core/errors.js';
import { fileStem } from '../../core/week-ending.js';

/** Canonical tiers in canonical order (used for listing, sorting and completeness checks). */
export const TIERS = ['NMS_TIER_1', 'NMS_TIER_2', 'OTC'] as const;
export type Tier = (typeof TIERS)[number];

/** The text FINRA writes in tierDescription for each tier. */
export const TIER_DESCRIPTIONS: Readonly<Record<Tier, string>> = {
  NMS_TIER_1: 'NMS Tier 1',
  NMS_TIER_2: 'NMS Tier 2',
  OTC: 'OTC',
};

/** Exact-key CLI/API aliases (reference TierNormalizer). */
const CLI_ALIASES: ReadonlyMap<string, Tier> = new Map<string, Tier>([
  ['otc', 'OTC'],
  ['OTC', 'OTC'],
  ['tier1', 'NMS_TIER_1'],
  ['Tier1', 'NMS_TIER_1'],
  ['TIER1', 'NMS_TIER_1'],
  ['NMS_TIER_1', 'NMS_TIER_1'],
  ['nms_tier_1', 'NMS_TIER_1'],
  ['tier2', 'NMS_TIER_2'],
  ['Tier2', 'NMS_TIER_2'],
  ['TIER2', 'NMS_TIER_2'],
  ['NMS_TIER_2', 'NMS_TIER_2'],
  ['nms_tier_2', 'NMS_TIER_2'],
]);

export function isTier(value: string): value is Tier {
  return (TIERS as readonly string[]).includes(value);
}

/** A CLI/API tier value → canonical tier, or null. Accepts the alias table, then any casing of a canonical name. */
export function normalizeTierOrNull(value: string): Tier | null {
  const alias = CLI_ALIASES.get(value);
  if (alias !== undefined) return alias;
  const upper = value.toUpperCase();
  return isTier(upper) ? upper : null;
}

/** The order the reference prints in its error message (kept for parity of user-visible text). */
const VALID_VALUES_TEXT = 'OTC, NMS_TIER_1, NMS_TIER_2';

/** Like `normalizeTierOrNull`, but an unknown value is a user error listing the valid values. */
export function normalizeTier(value: string): Tier {
  const tier = normalizeTierOrNull(value);
  if (tier === null) {
    throw new SpineError(ErrorCodes.INVALID_TIER, `Invalid tier: '${value}'. Valid values: ${VALID_VALUES_TEXT}`, {
      details: { value, valid: [...TIERS] },
      nonRetryable: true,
    });
  }
  return tier;
}

export function isValidTier(value: string): boolean {
  return normalizeTierOrNull(value) !== null;
}

/** Exact (then case-insensitive) texts the reference's lenient `normalize_tier` knows. */
const DESCRIPTION_ALIASES: ReadonlyMap<string, Tier> = new Map<string, Tier>([
  ['nms tier 1', 'NMS_TIER_1'],
  ['nms_tier_1', 'NMS_TIER_1'],
  ['tier 1', 'NMS_TIER_1'],
  ['tier1', 'NMS_TIER_1'],
  ['tier_1', 'NMS_TIER_1'],
  ['nms tier 2', 'NMS_TIER_2'],
  ['nms_tier_2', 'NMS_TIER_2'],
  ['tier 2', 'NMS_TIER_2'],
  ['tier2', 'NMS_TIER_2'],
  ['tier_2', 'NMS_TIER_2'],
  ['otc', 'OTC'],
  ['otc other', 'OTC'],
  ['other otc', 'OTC'],
]);

/**
 * tierDescription text (`NMS Tier 1`, `OTC`, `OTC Other`, `Tier 1`, canonical names…) → tier, or null for
 * anything unrecognised. Exact aliases first, then the reference's fuzzy rule ("tier" with "1" or "2", or
 * "otc"). Deliberately never defaults to OTC: an unknown tier must surface as an error or reject.
 */
export function tierFromDescription(text: string): Tier | null {
  const key = text.trim().toLowerCase();
  const exact = DESCRIPTION_ALIASES.get(key);
  if (exact !== undefined) return exact;
  if (key.includes('tier')) {
    if (key.includes('1')) return 'NMS_TIER_1';
    if (key.includes('2')) return 'NMS_TIER_2';
  }
  return key.includes('otc') ? 'OTC' : null;
}

/**
 * Known tierDescription spellings that `tierFromDescription` maps to `tier` (FINRA's text, the canonical
 * name, every exact alias, each as written and uppercased). Not every accepted text (the fuzzy rule takes
 * more): the set-based normalizer uses it as its fast path and validates any other text row by row.
 */
export function tierTextsFor(tier: Tier): string[] {
  const texts = [TIER_DESCRIPTIONS[tier], tier, ...DESCRIPTION_ALIASES.keys()];
  const out = new Set<string>();
  for (const t of texts) for (const v of [t, t.toUpperCase()]) if (tierFromDescription(v) === tier) out.add(v);
  return [...out];
}

/**
 * Tier hinted by a file name's stem, case-insensitive: `tier1`/`tier_1`, else `tier2`/`tier_2`, else `_otc_`.
 * `otc_week_2025-12-12.psv` gives no hint (nothing before `otc_`), which the reference relies on.
 */
export function tierHintFromFileName(fileName: string): Tier | null {
  const stem = fileStem(fileName).toLowerCase();
  if (stem.includes('tier1') || stem.includes('tier_1')) return 'NMS_TIER_1';
  if (stem.includes('tier2') || stem.includes('tier_2')) return 'NMS_TIER_2';
  if (stem.includes('_otc_')) return 'OTC';
  return null;
}

/** FINRA Query API `tierIdentifier` values (domain-spec §1). */
export type ApiTierIdentifier = 'T1' | 'T2' | 'OTC';

const API_IDS: Readonly<Record<Tier, ApiTierIdentifier>> = { NMS_TIER_1: 'T1', NMS_TIER_2: 'T2', OTC: 'OTC' };

export function tierToApiIdentifier(tier: Tier): ApiTierIdentifier {
  return API_IDS[tier];
}

/** `T1` → NMS_TIER_1, `T2` → NMS_TIER_2, `OTC` → OTC; anything else → null. */
export function tierFromApiIdentifier(id: string): Tier | null {
  for (const tier of TIERS) if (API_IDS[tier] === id.trim().toUpperCase()) return tier;
  return null;
}

/** The tier token in FINRA's weekly file names (`finra_otc_weekly_{otc|tier1|tier2}_YYYYMMDD.csv`). */
export function tierFileToken(tier: Tier): 'tier1' | 'tier2' | 'otc' {
  return tier === 'NMS_TIER_1' ? 'tier1' : tier === 'NMS_TIER_2' ? 'tier2' : 'otc';
}
