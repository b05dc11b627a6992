import { Flags } from '@oclif/core';

/** Shared flags, defined once (style.md habit 13). */
export const formatFlag = Flags.string({
  options: ['table', 'json', 'csv'],
  default: 'table',
  description: 'Output format (--json is the same as --format json)',
});

export const sinceFlag = Flags.string({
  description: 'Only after this: now, 90m, 24h, 7d, 2w, 2025-12-01 or an ISO instant',
});
export const untilFlag = Flags.string({ description: 'Only before this (same forms as --since)' });
export const weekFlag = Flags.string({ description: 'Week ending (a Friday, YYYY-MM-DD)' });
export const tierFlag = Flags.string({
  description: 'Tier: OTC, NMS_TIER_1, NMS_TIER_2 (aliases otc, tier1, tier2 …)',
});
export const limitFlag = Flags.integer({ min: 1, default: 50, description: 'Maximum rows' });

export const wideFlag = Flags.boolean({
  description: 'Show every column at full width (tables otherwise fit the terminal)',
});

/** Rows a table shows unless `--all` (JSON and CSV always carry every row). */
export const TABLE_ROWS = 50;
