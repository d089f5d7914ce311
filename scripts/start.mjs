#!/usr/bin/env node
// `npm start`: the first of the README's two commands. Plain JavaScript with no dependencies,
// because on a fresh machine nothing is installed yet: it installs the npm dependencies when
// they are missing, builds the snippet and the dashboard when their bundles are missing or
// stale, then runs the all-in-one runner (TypeScript, through tsx, in this same process so
// Ctrl-C and SIGTERM reach it directly).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildBundles } from './lib/builds.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  console.error(`floorwalker: ${message}`);
  process.exit(1);
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) fail(`Node.js 20 or newer is required (this is ${process.version}).`);

// npm writes node_modules/.package-lock.json after every successful install.
if (
  !existsSync(join(root, 'node_modules', '.package-lock.json')) ||
  !existsSync(join(root, 'node_modules', 'tsx'))
) {
  const command = existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install';
  console.log(`floorwalker: installing dependencies (npm ${command})…`);
  const result = spawnSync('npm', [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(`npm ${command} failed (exit ${result.status ?? result.signal}).`);
}

if (!buildBundles(root)) process.exit(1);

const { register } = await import('tsx/esm/api');
register();
await import(pathToFileURL(join(root, 'scripts', 'all-in-one.ts')).href);
