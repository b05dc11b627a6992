import { createHash } from 'node:crypto';
import { access, constants, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import type { Params } from '../../../core/pipeline/params.js';
import { normalizeTier } from '../tiers.js';

/**
 * The file source's path made absolute and real before anything is recorded, so `F`, `./F`, `dir/../F`
 * and a symlink to F are one request (and a worker in another directory can open it). A file that does
 * not exist or cannot be read is refused here: exit 2, nothing recorded.
 */
export async function canonicalFileParams(params: Params): Promise<Params> {
  const file = params['file_path'];
  if (params['source'] === 'api' || typeof file !== 'string') return params;
  try {
    const real = await realpath(resolve(file));
    await access(real, constants.R_OK);
    return { ...params, file_path: real };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable' : `cannot open (${code})`;
    throw new SpineError(ErrorCodes.INVALID_PARAMS, `--file ${file}: ${why}`, {
      nonRetryable: true,
      details: { file_path: file, reason: code ?? 'unknown' },
    });
  }
}

const shortHash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/**
 * The business key of a week run: `TIER:WEEK:SOURCE`, SOURCE being `api` or `file:<hash of the real
 * path>`. Week and tier come from the params or, when not given, are read from the file (its name and
 * first rows, as the ingest stage does), so `--file F` and `--week W --tier T --file F` share one key.
 * A file whose week or tier cannot be read keys on the file alone (its run then fails with the reason).
 */
export async function weekPartitionKey(params: Params): Promise<string | undefined> {
  const api = params['source'] === 'api';
  const file = params['file_path'];
  let tier = params['tier'] as string | undefined;
  let week = params['week_ending'] as string | undefined;
  // Stages that recompute from stored captures (normalize_week …) key on the partition alone.
  if (!api && typeof file !== 'string') return tier && week ? `${normalizeTier(tier)}:${week}` : undefined;
  const source = api ? 'api' : `file:${shortHash(file as string)}`;
  if (!api && (!tier || !week)) {
    try {
      const { resolveFileSource } = await import('../stages/resolve-source.js');
      const s = await resolveFileSource({
        filePath: file as string,
        tier,
        weekEnding: week,
        fileDate: params['file_date'] as string | undefined,
      });
      tier = s.tier;
      week = s.weekEnding;
    } catch {
      return source;
    }
  }
  if (!tier || !week) return source;
  return `${normalizeTier(tier)}:${week}:${source}`;
}
