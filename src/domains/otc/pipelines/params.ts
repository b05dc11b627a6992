import type { ParamSpec } from '../../../core/pipeline/params.js';
import { normalizeTier, TIERS } from '../tiers.js';

/** Parameter specs shared by the OTC pipelines (declared once so every pipeline coerces them alike). */
export const P = {
  weekRequired: {
    name: 'week_ending',
    type: 'date',
    required: true,
    friday: true,
    description: 'Week ending (a Friday, YYYY-MM-DD)',
  },
  week: {
    name: 'week_ending',
    type: 'date',
    friday: true,
    description: 'Week ending (a Friday); derived from the file when absent',
  },
  tierRequired: {
    name: 'tier',
    type: 'enum',
    required: true,
    choices: TIERS,
    normalize: normalizeTier,
    description: 'OTC, NMS_TIER_1 or NMS_TIER_2 (aliases otc, tier1, tier2 …)',
  },
  tier: {
    name: 'tier',
    type: 'enum',
    choices: TIERS,
    normalize: normalizeTier,
    description: 'Tier; from the file name or content when absent',
  },
  file: {
    name: 'file_path',
    type: 'path',
    mustExist: true,
    description: 'FINRA weekly file (pipe-delimited, format A or B); required unless source=api',
  },
  fileDate: {
    name: 'file_date',
    type: 'date',
    description: "Publication date override (else the file name's date, else lastUpdateDate)",
  },
  source: {
    name: 'source',
    type: 'enum',
    choices: ['file', 'api'],
    default: 'file',
    description: 'file, or the FINRA Query API (needs tier and week_ending)',
  },
  summaryType: {
    name: 'summary_type_code',
    type: 'string',
    description: 'API only: FINRA summaryTypeCode (default by tier)',
  },
  force: {
    name: 'force',
    type: 'bool',
    default: false,
    description: 'Redo a done stage (a new capture for ingest; old captures are kept)',
  },
  replace: {
    name: 'replace_capture',
    type: 'bool',
    default: false,
    description: "Publish replacing the week/tier's latest capture (its rows are deleted)",
  },
  expectLatest: {
    name: 'expect_latest_capture',
    type: 'string',
    description:
      "Publish only if the week/tier's latest capture is still this one ('none': no capture); else discard (sync's guard against a concurrent publish)",
  },
  captureId: { name: 'capture_id', type: 'string', description: 'Input capture (default: the latest published one)' },
} as const satisfies Record<string, ParamSpec>;
