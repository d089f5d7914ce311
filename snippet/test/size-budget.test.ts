import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnippet } from '../build.ts';
import { type BudgetResult, checkSizeBudget, gzipSize } from '../size-budget.ts';

describe('snippet size budget', () => {
  // A private output folder: other test files (the collector's, the browser tests) may be reading
  // snippet/dist at the same time. The build is the real one, so a missing bundle cannot pass.
  const outdir = mkdtempSync(join(tmpdir(), 'fw-snippet-dist-'));
  let results: BudgetResult[];

  beforeAll(async () => {
    results = await buildSnippet({ outdir, log: () => {} });
  }, 60_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('builds the eager loader, the tracking core, the realtime part and the module build within their gzip budgets', () => {
    expect(results.map((r) => r.file).sort()).toEqual(
      expect.arrayContaining(['snippet-core.js', 'snippet-realtime.js', 'snippet.esm.js', 'snippet.js']),
    );
    for (const r of results) {
      expect(r.problem, `${r.file}: ${r.gzip} B gzip, budget ${r.limit} B`).toBeUndefined();
      expect(r.gzip).toBeGreaterThan(500);
    }
  });

  it('keeps the eager loader within 3 KB gzip, whatever the budget file says', () => {
    const loader = results.find((r) => r.file === 'snippet.js');
    expect(loader?.limit).toBeLessThanOrEqual(3072);
    expect(loader?.gzip).toBeLessThanOrEqual(3072);
  });

  describe('the checker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-budget-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('fails a budgeted file that is missing', () => {
      const [r] = checkSizeBudget(dir, { 'snippet-gone.js': 1000 });
      expect(r).toMatchObject({ file: 'snippet-gone.js', problem: 'missing' });
    });

    it('fails a file over its budget and passes one within it', () => {
      const text = 'x'.repeat(50) + Math.random().toString(36).repeat(200);
      writeFileSync(join(dir, 'a.js'), text);
      const size = gzipSize(text);
      expect(checkSizeBudget(dir, { 'a.js': size - 1 })[0]?.problem).toBe('over budget');
      expect(checkSizeBudget(dir, { 'a.js': size })[0]?.problem).toBeUndefined();
    });

    it('fails a built file that has no budget', () => {
      writeFileSync(join(dir, 'b.js'), 'console.log(1)');
      const r = checkSizeBudget(dir, { 'a.js': 1e6 }).find((x) => x.file === 'b.js');
      expect(r?.problem).toBe('no budget');
    });
  });
});
