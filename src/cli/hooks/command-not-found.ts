import type { Hook } from '@oclif/core';
import { closestNames } from '../../core/suggest.js';

/** `spine executions lst` → "Did you mean spine executions list?" instead of a bare "not found" (exit 2). */
const hook: Hook<'command_not_found'> = async function (opts) {
  const typed = opts.id.replaceAll(':', ' ');
  const ids = opts.config.commandIDs.map((id) => id.replaceAll(':', ' '));
  // Compare within the same topic first (`executions lst` against `executions …`), then everywhere.
  const topic = typed.split(' ')[0] ?? '';
  const sameTopic = ids.filter((id) => id.startsWith(`${topic} `));
  const close = closestNames(typed, sameTopic.length > 0 ? sameTopic : ids, 2);
  const suggestion = close.length > 0 ? ` Did you mean ${close.map((c) => `spine ${c}`).join(' or ')}?` : '';
  // Our error format (one line, exit 2 like every invalid request), not oclif's wrapped banner.
  process.stderr.write(`Error [INVALID_PARAMS]: Unknown command 'spine ${typed}'.${suggestion}\nHint: spine --help\n`);
  await Promise.resolve();
  this.exit(2);
};

export default hook;
