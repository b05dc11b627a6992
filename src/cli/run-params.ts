/**
 * How `spine run` turns what the user typed into pipeline params, and how it names them back in errors:
 * `--file` rather than `file_path` when that is what the user typed (or could type).
 */
import { BadParamsError, ErrorCodes, SpineError } from '../core/errors.js';
import type { ParamLabel } from '../core/errors.js';
import type { ParamValue } from '../core/pipeline/params.js';
import type { PipelineDefinition } from '../core/pipeline/types.js';
import { closestNames } from '../core/suggest.js';

/** Friendly flag → the param it sets. */
export const RUN_FLAG_PARAMS = {
  week: 'week_ending',
  tier: 'tier',
  file: 'file_path',
  from: 'from_week',
  to: 'to_week',
  force: 'force',
  'replace-capture': 'replace_capture',
} as const satisfies Record<string, string>;

const FLAG_OF: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(RUN_FLAG_PARAMS).map(([flag, param]) => [param, `--${flag}`]),
);

/** The flag that sets a param (`file_path` → `--file`), if there is one. */
export function flagFor(param: string): string | undefined {
  return FLAG_OF[param];
}

/** Params the user typed as `key=value` (positional or `-p`): named that way in errors. */
export function labelFor(typedAsKeyValue: ReadonlySet<string>): ParamLabel {
  return (name) => (typedAsKeyValue.has(name) ? `'${name}'` : (flagFor(name) ?? `${name}=…`));
}

/**
 * Refuses params the pipeline does not declare, whether typed as `key=value` or set by a flag (`--file` on
 * a pipeline that reads no file), naming the closest declared one: a typo would otherwise pass through
 * unnoticed and the run use a default.
 */
export function checkDeclared(
  def: PipelineDefinition,
  params: Readonly<Record<string, ParamValue>>,
  typedAsKeyValue: ReadonlySet<string>,
): void {
  const declared = def.params.map((p) => p.name);
  const unknown = Object.keys(params).filter((k) => !declared.includes(k));
  if (unknown.length === 0) return;
  const parts = unknown.map((k) => {
    const close = closestNames(k, declared, 1)[0];
    const flag = close ? flagFor(close) : undefined;
    const named = typedAsKeyValue.has(k) ? `'${k}'` : (flagFor(k) ?? `'${k}'`);
    return `${named}${close ? ` (did you mean ${close}=…${flag ? ` or ${flag}` : ''}?)` : ''}`;
  });
  throw new SpineError(
    ErrorCodes.INVALID_PARAMS,
    `${def.name} has no parameter ${parts.join(', ')}. Its parameters: ${declared.map((d) => flagFor(d) ?? d).join(', ')}`,
    { details: { unknown, declared, hint: `spine pipelines describe ${def.name}` } },
  );
}

/** A params error re-worded with the names the user typed; any other error unchanged. */
export function relabel(err: unknown, def: PipelineDefinition | undefined, label: ParamLabel): unknown {
  if (!(err instanceof BadParamsError)) return err;
  let message = BadParamsError.describe(err.missing, err.invalid, label);
  if (err.missing.includes('file_path') && def?.params.some((p) => p.name === 'source')) {
    message += ` (the FINRA weekly file to load; or source=api with ${label('week_ending')} and ${label('tier')})`;
  }
  return new SpineError(err.code, message, {
    details: {
      ...err.details,
      ...(def ? { hint: `spine pipelines describe ${def.name}` } : {}),
    },
  });
}
