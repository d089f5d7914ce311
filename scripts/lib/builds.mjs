// Plain JavaScript on purpose: `npm start` and `npm test` use this before dependencies (and tsx)
// may be installed. No imports beyond Node's own modules.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The browser bundles the apps serve. A bundle is stale when any of its inputs (its own
 * sources and build config, and the shared protocol it imports) is newer than its output.
 */
export const bundles = [
  {
    name: 'snippet',
    workspace: '@floorwalker/snippet',
    dist: 'snippet/dist',
    inputs: ['snippet/src', 'snippet/package.json', 'snippet/build.ts', 'snippet/build.mjs', 'protocol/src'],
  },
  {
    name: 'dashboard',
    workspace: '@floorwalker/dashboard',
    dist: 'dashboard/dist',
    inputs: [
      // The whole of src: server files trigger a rebuild too, which costs seconds, never correctness.
      'dashboard/src',
      'dashboard/index.html',
      'dashboard/vite.config.ts',
      'dashboard/package.json',
      'protocol/src',
    ],
  },
];

/** Newest modification time (ms) of a file or of any file under a folder; 0 when missing. */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** Why a bundle needs building (`'missing'`, `'stale'`), or undefined when it is up to date. */
export function buildReason(root, bundle) {
  const dist = join(root, bundle.dist);
  const built = newestMtime(dist);
  if (built === 0) return 'missing';
  const inputs = Math.max(...bundle.inputs.map((input) => newestMtime(join(root, input))));
  return inputs > built ? 'stale' : undefined;
}

/**
 * Builds every bundle that is missing or stale (or all of them with `force`).
 * Returns false when a build failed; the build's own output goes to the terminal.
 */
export function buildBundles(root, { force = false, log = console.log } = {}) {
  for (const bundle of bundles) {
    const reason = force ? 'requested' : buildReason(root, bundle);
    if (!reason) continue;
    log(`floorwalker: building the ${bundle.name} (${reason})…`);
    // Production bundles whatever NODE_ENV the caller has (vitest sets `test`, which would
    // give React's development build).
    const result = spawnSync('npm', ['run', 'build', '-w', bundle.workspace], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (result.status !== 0) {
      log(`floorwalker: building the ${bundle.name} failed (npm run build -w ${bundle.workspace})`);
      return false;
    }
  }
  return true;
}
