/** The FINRA OTC domain's identity: one dotted spelling everywhere (the reference had two). */
export const OTC_DOMAIN = 'finra.otc_transparency';

export const OTC_TABLES = {
  raw: 'finra_otc_transparency_raw',
  venueVolume: 'finra_otc_transparency_venue_volume',
  symbolSummary: 'finra_otc_transparency_symbol_summary',
  venueShare: 'finra_otc_transparency_venue_share',
  rolling: 'finra_otc_transparency_symbol_rolling_6w',
  symbolVenueVolume: 'finra_otc_transparency_weekly_symbol_venue_volume',
  symbolVenueShare: 'finra_otc_transparency_weekly_symbol_venue_share',
  hhi: 'finra_otc_transparency_weekly_symbol_venue_concentration_hhi',
  tierVolumeShare: 'finra_otc_transparency_weekly_symbol_tier_volume_share',
} as const;

/** Datasets that are views over another table (migration 060): readable like the tables, never written. */
export const OTC_VIEWS: readonly string[] = [OTC_TABLES.symbolVenueVolume];

/** Every table whose rows belong to one capture (deleted together by replace and gc); views excluded. */
export const OTC_CAPTURE_TABLES: readonly string[] = [
  ...Object.values(OTC_TABLES).filter((t) => !OTC_VIEWS.includes(t)),
  'core_rejects',
  'core_quality',
  'core_derived_inputs',
];

/** Manifest stages and their ranks (domain-spec §9.3): PENDING=0 … SNAPSHOT=5. */
export const OTC_MANIFEST_STAGES = ['PENDING', 'INGESTED', 'NORMALIZED', 'AGGREGATED', 'ROLLING', 'SNAPSHOT'] as const;
export type OtcManifestStage = (typeof OTC_MANIFEST_STAGES)[number];
