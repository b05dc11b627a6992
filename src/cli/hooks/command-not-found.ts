import type { Hook } from '@oclif/core';
import { closestNames } from '../../core/suggest.js';

/** `spine executions lst` → "Did you mean spine executions list?" instead of a bare "not found" (exit 2). */
const hook: Hook<'command_not_found'> = async function (opts) {
  const ids = opts.config.commandIDs.map((id) => id.replaceAll(':', ' '));
  // oclif's id runs up to the first flag (`export otc.summary`): the unknown command is a known topic,
  // if any, plus the next word.
  const words = opts.id.split(':');
  const topic = words[0] ?? '';
  const sameTopic = ids.filter((id) => id.startsWith(`${topic} `));
  const typed = words.slice(0, sameTopic.length > 0 ? 2 : 1).join(' ');
  const close = closestNames(typed, sameTopic.length > 0 ? sameTopic : ids, 2);
  const suggestion = close.length > 0 ? ` Did you mean ${close.map((c) => `spine ${c}`).join(' or ')}?` : '';
  // Our error format (one line, exit 2 like every invalid request), not oclif's wrapped banner.
  process.stderr.write(`Error [INVALID_PARAMS]: Unknown command 'spine ${typed}'.${suggestion}\nHint: spine --help\n`);
  await Promise.resolve();
  this.exit(2);
};

export default hook;
