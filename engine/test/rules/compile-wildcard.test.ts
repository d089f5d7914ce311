import { describe, expect, it } from 'vitest';
import { compileWildcard, escapeRegExp } from '../../src/rules/index.ts';

/** Reference glob semantics by dynamic programming. */
function naiveGlob(pattern: string, text: string): boolean {
  const m = pattern.length;
  const n = text.length;
  const dp: boolean[][] = Array.from({ length: m + 1 }, () => Array<boolean>(n + 1).fill(false));
  dp[0]![0] = true;
  for (let i = 1; i <= m; i++) {
    const p = pattern[i - 1];
    for (let j = 0; j <= n; j++) {
      if (p === '*') dp[i]![j] = dp[i - 1]![j]! || (j > 0 && dp[i]![j - 1]!);
      else dp[i]![j] = j > 0 && dp[i - 1]![j - 1]! && p === text[j - 1];
    }
  }
  return dp[m]![n]!;
}

describe('compileWildcard', () => {
  it('matches one path segment pattern and nothing longer', () => {
    const re = compileWildcard('/products/*/reviews');
    expect(re.test('/products/42/reviews')).toBe(true);
    expect(re.test('/products/a/b/reviews')).toBe(true);
    expect(re.test('/products/42/reviews/2')).toBe(false);
    expect(re.test('/shop/products/42/reviews')).toBe(false);
  });

  it('treats every other character literally', () => {
    const re = compileWildcard('/a.b?(c)[d]+{e}|^$\\x/*');
    expect(re.test('/a.b?(c)[d]+{e}|^$\\x/anything')).toBe(true);
    expect(re.test('/aXb?(c)[d]+{e}|^$\\x/anything')).toBe(false);
    expect(new RegExp(escapeRegExp('a.b*c')).test('a.b*c')).toBe(true);
  });

  it('ignores case unless asked not to', () => {
    expect(compileWildcard('/Checkout*').test('/checkout/step-2')).toBe(true);
    expect(compileWildcard('/Checkout*', { caseSensitive: true }).test('/checkout/step-2')).toBe(false);
  });

  it('handles leading, trailing, repeated and lone stars', () => {
    expect(compileWildcard('*').test('')).toBe(true);
    expect(compileWildcard('**sale**').test('Big SALE today')).toBe(true);
    expect(compileWildcard('*.pdf').test('/files/a.pdf')).toBe(true);
    expect(compileWildcard('*.pdf').test('/files/a.pdf.html')).toBe(false);
    expect(compileWildcard('').test('')).toBe(true);
    expect(compileWildcard('').test('x')).toBe(false);
  });

  it('agrees with reference glob semantics on random patterns', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = 'ab*';
    for (let k = 0; k < 3000; k++) {
      const pattern = Array.from({ length: rand(7) }, () => alphabet[rand(3)]).join('');
      const text = Array.from({ length: rand(9) }, () => 'ab'[rand(2)]).join('');
      expect(compileWildcard(pattern, { caseSensitive: true }).test(text), `${pattern} ~ ${text}`).toBe(
        naiveGlob(pattern, text),
      );
    }
  });

  it('does not backtrack on a hostile input for a many-star pattern', () => {
    // A `.*`-per-star compile needs ~n^4 steps here; the atomic form answers at once.
    const re = compileWildcard('*a*a*a*b');
    expect(re.test('a'.repeat(20_000))).toBe(false);
    expect(re.test(`${'a'.repeat(20_000)}b`)).toBe(true);
  });
});
