/** Suite-wide setup: the e2e tests spawn the built CLI, so dist/ must exist. */
import { existsSync } from 'node:fs';

export default function setup(): void {
  if (!existsSync(new URL('../../dist/cli/commands/run.js', import.meta.url))) {
    throw new Error('dist/ is missing: run `npm run build` first (scripts/test.sh does this)');
  }
}
