import { sql } from '@floorwalker/store';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestClickHouse, type TestClickHouse } from '../../../test/helpers/stores.ts';

/**
 * The literal-escaping function is the only thing between values and SQL text, so it is
 * checked against the real parsers: thousands of arbitrary strings go through
 * `SELECT <literal>` on both engines and must come back exactly.
 */
describe.each(engines)('string literals round-trip through %s ClickHouse', (kind) => {
  let t: TestClickHouse;
  beforeAll(async () => {
    t = await openTestClickHouse(kind, { migrate: false });
  });
  afterAll(() => t.cleanup());

  // Strings with every kind of code point, weighted towards the characters that matter to escaping.
  const tricky = fc.constantFrom(
    '\\',
    "'",
    '"',
    '`',
    '\0',
    '\n',
    '\r',
    '\t',
    '\b',
    '\f',
    '\x1b',
    '?',
    '{',
    '}',
    '%',
    ';',
    '--',
    '/*',
  );
  const arbitrary = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc
      .array(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 30 })
      .map((a) => a.join('')),
  );

  it('returns every arbitrary valid string exactly (batched 200 per query)', async () => {
    const samples = fc.sample(arbitrary, { numRuns: 3000, seed: 20261122 });
    for (let i = 0; i < samples.length; i += 200) {
      const chunk = samples.slice(i, i + 200);
      const rows = await t.ch.query<{ v: string[] }>(sql`SELECT ${chunk} AS v`);
      expect(rows[0]!.v).toEqual(chunk);
    }
  });

  it('keeps one-value-per-query results exact under random shrinking', async () => {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (s) => {
        const rows = await t.ch.query<{ v: string; n: number }>(sql`SELECT ${s} AS v, lengthUTF8(${s}) AS n`);
        expect(rows[0]!.v).toBe(s);
        expect(rows[0]!.n).toBe([...s].length);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('turns lone surrogates into U+FFFD instead of producing invalid UTF-8', async () => {
    const rows = await t.ch.query<{ v: string }>(sql`SELECT ${'a\uD800b'} AS v`);
    expect(rows[0]!.v).toBe('a\uFFFDb');
  });

  it('round-trips numbers and arrays of numbers', async () => {
    const nums = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 500, seed: 7 });
    const rows = await t.ch.query<{ v: number[] }>(sql`SELECT ${nums} AS v`);
    expect(rows[0]!.v).toEqual(nums.map((n) => (Object.is(n, -0) ? 0 : n)));
  });
});
