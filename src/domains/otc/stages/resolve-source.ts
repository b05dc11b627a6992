import { basename } from 'node:path';
import { ErrorCodes, SourceError, SpineError } from '../../../core/errors.js';
import { assertFriday, resolveFileDate, weekEndingFromPublicationDate } from '../../../core/week-ending.js';
import type { FileDateSource } from '../../../core/week-ending.js';
import { detectFileFacts } from '../parse/detect-file-facts.js';
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
