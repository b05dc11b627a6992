import { describe, expect, it } from 'vitest';
import { bundleSpineWorkflows } from '../../../src/worker/create-worker.js';

describe('the workflow bundle', () => {
  it('builds for the sandbox: no Node built-ins, no activity, database or logger code inside', async () => {
    const { code } = await bundleSpineWorkflows();
    const source = code.slice(0, code.indexOf('//# sourceMappingURL'));
    // Module ids in the bundle are paths: none may come from the activity side of the project.
    const modules = [...source.matchAll(/^\/\*\*\*\/ "([^"]+)"$/gm)].map((m) => m[1] as string);
    expect(modules).toContain('./src/workflows/run-pipeline.ts');
    expect(modules).toContain('./src/workflows/interceptors.ts');
    const banned = modules.filter((m) =>
      /better-sqlite3|pino|@temporalio\/(activity|client|worker)|src\/(activities|core|domains|app)\//.test(m),
    );
    expect(banned).toEqual([]);
  }, 60_000);
});
