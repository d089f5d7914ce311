import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file's budget check. `gzip` is undefined when the file is missing. */
export interface BudgetResult {
  file: string;
  /** Allowed gzip bytes; undefined for a built file without a budget. */
  limit: number | undefined;
  gzip: number | undefined;
  raw: number | undefined;
  problem: 'missing' | 'over budget' | 'no budget' | undefined;
}

/** Reads `size-budget.json`: file name → largest gzip size in bytes. */
export function readBudget(path: string): Record<string, number> {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}

/** Gzip size (level 9, what a CDN or the collector serves) of `content`. */
export function gzipSize(content: Buffer | string): number {
  return gzipSync(content, { level: 9 }).length;
}

/**
 * Checks every budgeted file in `dist` (missing files fail: a budget that silently passes on a
 * file that was renamed away protects nothing) and flags built `.js` files that have no budget.
 */
export function checkSizeBudget(dist: string, budget: Record<string, number>): BudgetResult[] {
  const results: BudgetResult[] = Object.entries(budget).map(([file, limit]) => {
    const path = join(dist, file);
    if (!existsSync(path)) return { file, limit, gzip: undefined, raw: undefined, problem: 'missing' };
    const content = readFileSync(path);
    const gzip = gzipSize(content);
    return { file, limit, gzip, raw: content.length, problem: gzip > limit ? 'over budget' : undefined };
  });
  const built = existsSync(dist) ? readdirSync(dist).filter((f) => f.endsWith('.js')) : [];
  for (const file of built) {
    if (file in budget) continue;
    const content = readFileSync(join(dist, file));
    results.push({
      file,
      limit: undefined,
      gzip: gzipSize(content),
      raw: content.length,
      problem: 'no budget',
    });
  }
  return results;
}

/** A printable table of the results. */
export function formatBudget(results: BudgetResult[]): string {
  return results
    .map((r) => {
      const size = r.gzip === undefined ? '—' : `${(r.gzip / 1024).toFixed(2)} KiB gzip (${r.raw} B raw)`;
      const limit = r.limit === undefined ? 'no budget' : `budget ${(r.limit / 1024).toFixed(2)} KiB`;
      return `  ${r.file.padEnd(22)} ${size.padEnd(32)} ${limit}${r.problem ? `  ✗ ${r.problem}` : '  ✓'}`;
    })
    .join('\n');
}
