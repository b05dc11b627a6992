#!/usr/bin/env node
// `spine --version` is answered without loading oclif (a third of start-up time); same text as oclif's.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  // package.json's engines already pin Node; oclif's own check would load semver on every start.
  process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
