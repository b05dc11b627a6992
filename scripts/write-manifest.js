// Writes oclif.manifest.json so `spine` starts without importing every command module to read its flags.
import { Config } from '@oclif/core';
import { rmSync, writeFileSync } from 'node:fs';

// A stale manifest would be read back instead of the compiled commands: remove it first.
rmSync(new URL('../oclif.manifest.json', import.meta.url), { force: true });
const config = await Config.load(new URL('..', import.meta.url).pathname);
const plugin = config.getPluginsList().find((p) => p.root === config.root);
if (!plugin) throw new Error('root plugin not found');
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), JSON.stringify(plugin.manifest, null, 2) + '\n');
console.error(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`);
