/**
 * Builds the snippet: `npm run build -w @floorwalker/snippet`.
 *
 * - `dist/snippet.js`: the eager loader for the script tag (IIFE, minified, no global but
 *   `floorwalker`, ≤ 3 KB gzip): captures the page and the early calls, fetches the core.
 * - `dist/snippet-core.js`: the tracking core the loader fetches at once from `s/`.
 * - `dist/snippet.esm.js`: loader and core in one ES module (`init`) for single-page apps.
 * - lazily loaded parts: add `{ entry, out: 'snippet-<name>', format: 'iife' }` to `bundles`
 *   and a budget to `size-budget.json`; the tracker's `load('<name>')` fetches
 *   `snippet-<name>.js` from next to `snippet.js`.
 *
 * Prints each output's gzip size and exits non-zero when one is missing or over its budget.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Format } from 'esbuild';
import { type BudgetResult, checkSizeBudget, formatBudget, readBudget } from './size-budget.ts';

const root = dirname(fileURLToPath(import.meta.url));

/** What the build produces, one output file each. */
export const bundles: { entry: string; out: string; format: Format }[] = [
  { entry: 'src/loader.ts', out: 'snippet', format: 'iife' },
  // The tracking core: fetched by the loader at once (`s/snippet-core.js`).
  { entry: 'src/core/index.ts', out: 'snippet-core', format: 'iife' },
  { entry: 'src/index.ts', out: 'snippet.esm', format: 'esm' },
  // Realtime (visitor socket, invitations, chat widget): loaded by the tracker after `load`.
  { entry: 'src/realtime/index.ts', out: 'snippet-realtime', format: 'iife' },
];

export interface BuildOptions {
  /** Output folder. Default `snippet/dist`. */
  outdir?: string;
  /** Where the size table goes. Default `console.log`; pass `() => {}` for silence. */
  log?: (line: string) => void;
}

/** Builds every bundle into a clean `outdir` and returns the budget check of the result. */
export async function buildSnippet(options: BuildOptions = {}): Promise<BudgetResult[]> {
  const outdir = options.outdir ?? join(root, 'dist');
  const log = options.log ?? console.log;
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await Promise.all(
    bundles.map((b) =>
      build({
        entryPoints: [join(root, b.entry)],
        outfile: join(outdir, `${b.out}.js`),
        bundle: true,
        format: b.format,
        minify: true,
        // Browsers of the last years; `??=`, `?.` and friends are lowered.
        target: ['es2020', 'chrome80', 'firefox78', 'safari15'],
        platform: 'browser',
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
  );
  const results = checkSizeBudget(outdir, readBudget(join(root, 'size-budget.json')));
  log(`floorwalker snippet → ${outdir}\n${formatBudget(results)}`);
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await buildSnippet();
  if (results.some((r) => r.problem)) {
    console.error(
      'snippet build: a bundle is missing, has no budget or is over its budget (snippet/size-budget.json)',
    );
    process.exit(1);
  }
}
