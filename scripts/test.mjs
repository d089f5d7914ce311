#!/usr/bin/env node
// `npm test`: the second of the README's two commands, and the whole of CI after `npm ci`.
// Runs every check in order, keeps going after a failure so one run shows every problem,
// prints one summary line and exits non-zero when anything failed.
//
// The integration and browser projects start their own clickhouse-server and redis-server
// (Debian's packages) and the browser project drives /usr/bin/chromium.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundles } from './lib/builds.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Each step: a name and a function returning true on success. */
const steps = [
  ['typecheck', () => run(bin('tsc'), ['-p', 'tsconfig.json'])],
  ['lint', () => run(bin('biome'), ['check', '.'])],
  // Always rebuild: tests must see the bundles of exactly this checkout.
  ['build', () => buildBundles(root, { force: true })],
  ['unit', () => run(bin('vitest'), ['run', '--project', 'unit'])],
  ['integration', () => run(bin('vitest'), ['run', '--project', 'integration'])],
  ['browser', () => run(bin('vitest'), ['run', '--project', 'browser'])],
];

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.error) console.error(`npm test: could not run ${command}: ${result.error.message}`);
  return result.status === 0;
}

const started = Date.now();
const results = [];
for (const [name, step] of steps) {
  const stepStarted = Date.now();
  console.log(`\n━━ npm test: ${name} ━━`);
  const ok = step();
  const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
  results.push({ name, ok, seconds });
  console.log(`━━ ${name}: ${ok ? 'passed' : 'FAILED'} in ${seconds} s ━━`);
}

const failed = results.filter((r) => !r.ok);
const total = ((Date.now() - started) / 1000).toFixed(1);
const parts = results.map((r) => `${r.name} ${r.ok ? 'ok' : 'FAILED'} (${r.seconds} s)`).join(', ');
console.log(
  `\nnpm test: ${failed.length === 0 ? 'PASSED' : `FAILED (${failed.map((r) => r.name).join(', ')})`} in ${total} s — ${parts}`,
);
process.exit(failed.length === 0 ? 0 : 1);
