/**
 * Suite-wide setup: checks that the build the e2e tests spawn exists, then starts ONE Temporal dev
 * server for the whole run (namespace and search attributes from temporal-dev.yml, binary from
 * `npm run tools:install`, never downloaded) and provides its address as `temporalAddress`.
 * With SPINE_TEMPORAL_ADDRESS set, that server is used instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { parseDevStackConfig } from '../../src/backends/temporal/dev-stack/config.js';
import { resolveTemporalBinary, TEMPORAL_INSTALL_HINT } from '../../src/core/tools/temporal-binaries.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
  }
}

const DEV_STACK_FILE = fileURLToPath(new URL('../../temporal-dev.yml', import.meta.url));

function searchAttributeKeys(types: Readonly<Record<string, string>>) {
  return Object.entries(types).map(([name, type]) =>
    defineSearchAttributeKey(
      name,
      type === 'KeywordList' ? SearchAttributeType.KEYWORD_LIST : (type.toUpperCase() as SearchAttributeType),
    ),
  );
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(new URL('../../dist/cli/commands/run.js', import.meta.url))) {
    throw new Error('dist/ is missing: run `npm run build` first (scripts/test.sh does this)');
  }
  const stack = parseDevStackConfig(readFileSync(DEV_STACK_FILE, 'utf8'), DEV_STACK_FILE);
  project.provide('temporalNamespace', stack.temporal.namespace);
  const existing = process.env['SPINE_TEMPORAL_ADDRESS'];
  if (existing) {
    project.provide('temporalAddress', existing);
    return () => Promise.resolve();
  }
  const cli = resolveTemporalBinary('cli');
  if (!cli) throw new Error(`The Temporal CLI is missing (needed for the integration tests): ${TEMPORAL_INSTALL_HINT}`);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      ip: '127.0.0.1',
      namespace: stack.temporal.namespace,
      searchAttributes: searchAttributeKeys(stack.temporal.searchAttributes),
      log: { format: 'pretty', level: 'error' },
    },
  });
  project.provide('temporalAddress', env.address);
  return async () => {
    await Promise.race([env.teardown(), sleep(15_000, undefined, { ref: false })]);
  };
}
