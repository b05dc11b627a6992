import { basename } from 'node:path';
import { ErrorCodes, SourceError, SpineError } from '../../../core/errors.js';
import { assertFriday, resolveFileDate, weekEndingFromPublicationDate } from '../../../core/week-ending.js';
import type { FileDateSource } from '../../../core/week-ending.js';
import type { Params } from '../../../core/pipeline/params.js';
import { detectFileFacts } from '../parse/detect-file-facts.js';
import { readOtcFile } from '../parse/read-otc-file.js';
import { describeApiSource, fetchFinraWeekly } from '../sources/index.js';
import type { ParsedBatch } from '../types.js';
import { normalizeTier, tierHintFromFileName } from '../tiers.js';
import type { Tier } from '../tiers.js';

export interface ResolvedFileSource {
  readonly path: string;
  readonly tier: Tier;
  readonly tierSource: 'param' | 'filename' | 'content';
  readonly weekEnding: string;
  readonly weekSource: 'param' | FileDateSource | 'content_week';
  readonly fileDate: string | null;
  readonly sourceLastUpdateDate: string | null;
}

export interface ResolveInput {
  readonly filePath: string;
  readonly tier?: string | undefined;
  readonly weekEnding?: string | undefined;
  readonly fileDate?: string | undefined;
}

/**
 * Decides a file's (week, tier) before anything is written (domain-spec §4, §5).
 * Tier: parameter > file-name hint > the first row's tierDescription > error.
 * Week: parameter (must be a Friday) > the file date (parameter > name > first lastUpdateDate) → the
 * Friday strictly before it > the first row's WeekEnding column > error.
 */
export async function resolveFileSource(input: ResolveInput): Promise<ResolvedFileSource> {
  const facts = await detectFileFacts(input.filePath);
  const fileName = basename(input.filePath);
  let tier: Tier;
  let tierSource: ResolvedFileSource['tierSource'];
  if (input.tier) {
    tier = normalizeTier(input.tier);
    tierSource = 'param';
  } else if (tierHintFromFileName(fileName)) {
    tier = tierHintFromFileName(fileName) as Tier;
    tierSource = 'filename';
  } else if (facts.tier) {
    tier = facts.tier;
    tierSource = 'content';
  } else {
    throw new SpineError(
      ErrorCodes.INVALID_TIER,
      `Tier not specified and could not be detected from source: ${input.filePath} (pass --tier OTC|NMS_TIER_1|NMS_TIER_2)`,
      { nonRetryable: true },
    );
  }

  let fileDate: string | null = null;
  let weekEnding: string;
  let weekSource: ResolvedFileSource['weekSource'];
  if (input.weekEnding) {
    weekEnding = assertFriday(input.weekEnding);
    weekSource = 'param';
  } else {
    try {
      const resolved = resolveFileDate({
        override: input.fileDate ?? null,
        fileName,
        firstLastUpdateDate: facts.lastUpdateDate,
      });
      fileDate = resolved.date;
      weekEnding = weekEndingFromPublicationDate(resolved.date);
      weekSource = resolved.source;
    } catch (err) {
      if (!facts.rowWeekEnding) {
        if (err instanceof SourceError && facts.firstDataLine === null) {
          throw new SourceError(
            input.filePath,
            0,
            'NO_DATA_ROWS',
            'the file has no data rows, so its week cannot be derived; pass --week',
          );
        }
        throw err;
      }
      weekEnding = assertFriday(facts.rowWeekEnding);
      weekSource = 'content_week';
    }
  }
  return {
    path: input.filePath,
    tier,
    tierSource,
    weekEnding,
    weekSource,
    fileDate,
    sourceLastUpdateDate: facts.lastUpdateDate,
  };
}

export interface IngestSource {
  readonly kind: 'file' | 'api';
  /** Path or `finra-api://…` name: what rejects, captures and logs cite. */
  readonly name: string;
  readonly tier: Tier;
  readonly weekEnding: string;
  readonly sourceLastUpdateDate: string | null;
  readonly weekSource: string;
  readonly tierSource: string;
  readonly batches: () => AsyncIterable<ParsedBatch>;
}

/** Resolves the ingest's source (file by default, or the FINRA Query API) into one batch stream. */
export async function openIngestSource(params: Params, now: Date): Promise<IngestSource> {
  if (params['source'] === 'api') {
    const tier = normalizeTier(String(params['tier']));
    const weekEnding = assertFriday(String(params['week_ending']));
    const summaryTypeCode = params['summary_type_code'] as string | undefined;
    const opts = { tier, weekEnding, summaryTypeCode, now };
    return {
      kind: 'api',
      name: describeApiSource(opts),
      tier,
      weekEnding,
      sourceLastUpdateDate: null,
      weekSource: 'param',
      tierSource: 'param',
      batches: () => fetchFinraWeekly(opts),
    };
  }
  const filePath = params['file_path'] as string | undefined;
  if (!filePath)
    throw new SourceError('(none)', 0, 'FILE_REQUIRED', 'file_path is required for the file source (--file)');
  const s = await resolveFileSource({
    filePath,
    tier: params['tier'] as string | undefined,
    weekEnding: params['week_ending'] as string | undefined,
    fileDate: params['file_date'] as string | undefined,
  });
  return {
    kind: 'file',
    name: filePath,
    tier: s.tier,
    weekEnding: s.weekEnding,
    sourceLastUpdateDate: s.sourceLastUpdateDate,
    weekSource: s.weekSource,
    tierSource: s.tierSource,
    batches: () => readOtcFile(filePath, { expectedTier: s.tier }),
  };
}
