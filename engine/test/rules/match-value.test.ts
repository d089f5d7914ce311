import type { TextMatch } from '@floorwalker/protocol';
import { describe, expect, it } from 'vitest';
import { matchNumber, matchText, matchValue } from '../../src/rules/index.ts';

describe('matchText', () => {
  const cases: [TextMatch, string, boolean][] = [
    [{ op: 'equals', value: '/Checkout' }, '/checkout', true],
    [{ op: 'equals', value: '/Checkout', caseSensitive: true }, '/checkout', false],
    [{ op: 'equals', value: '/checkout' }, '/checkout/2', false],
    [{ op: 'contains', value: 'SALE' }, 'Summer sale – 20%', true],
    [{ op: 'contains', value: 'SALE', caseSensitive: true }, 'Summer sale – 20%', false],
    [{ op: 'contains', value: 'winter' }, 'Summer sale', false],
    [{ op: 'prefix', value: '/cart' }, '/CART/items', true],
    [{ op: 'prefix', value: '/cart' }, '/shop/cart', false],
    [{ op: 'wildcard', pattern: '/products/*/reviews' }, '/Products/42/reviews', true],
    [{ op: 'wildcard', pattern: '/products/*/reviews', caseSensitive: true }, '/Products/42/reviews', false],
    [{ op: 'wildcard', pattern: '/products/*/reviews' }, '/products/42', false],
    [{ op: 'regex', pattern: '^/checkout/(shipping|payment)$' }, '/checkout/payment', true],
    [{ op: 'regex', pattern: '^/checkout/(shipping|payment)$' }, '/Checkout/payment', false],
    [{ op: 'regex', pattern: '^/checkout/(shipping|payment)$', flags: 'i' }, '/Checkout/payment', true],
    [{ op: 'regex', pattern: 'order-\\d+' }, 'https://x/thanks/order-123', true],
  ];
  it.each(cases)('%j on %s → %s', (match, actual, expected) => {
    expect(matchText(match, actual)).toBe(expected);
  });

  it('gives the same answer on repeated use of a cached pattern', () => {
    const match: TextMatch = { op: 'regex', pattern: 'a\\d', flags: 'i' };
    expect([matchText(match, 'A1'), matchText(match, 'A1'), matchText(match, 'b')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});

describe('matchNumber', () => {
  it.each([
    [{ op: 'gt', value: 5 }, 5, false],
    [{ op: 'gt', value: 5 }, 5.1, true],
    [{ op: 'gte', value: 5 }, 5, true],
    [{ op: 'gte', value: 5 }, 4.9, false],
    [{ op: 'lt', value: 5 }, 5, false],
    [{ op: 'lt', value: 5 }, 4, true],
    [{ op: 'lte', value: 5 }, 5, true],
    [{ op: 'lte', value: 5 }, 6, false],
    [{ op: 'eq', value: 5 }, 5, true],
    [{ op: 'eq', value: 5 }, 5.5, false],
    [{ op: 'between', min: 1, max: 3 }, 1, true],
    [{ op: 'between', min: 1, max: 3 }, 3, true],
    [{ op: 'between', min: 1, max: 3 }, 3.01, false],
    [{ op: 'between', min: 1, max: 3 }, 0.99, false],
  ] as const)('%j on %d → %s', (compare, actual, expected) => {
    expect(matchNumber(compare, actual)).toBe(expected);
  });
});

describe('matchValue', () => {
  it('tests presence with exists', () => {
    expect(matchValue({ op: 'exists' }, 'x')).toBe(true);
    expect(matchValue({ op: 'exists' }, 0)).toBe(true);
    expect(matchValue({ op: 'exists' }, null)).toBe(false);
    expect(matchValue({ op: 'exists' }, undefined)).toBe(false);
  });

  it('compares booleans strictly with is', () => {
    expect(matchValue({ op: 'is', value: true }, true)).toBe(true);
    expect(matchValue({ op: 'is', value: true }, 'true')).toBe(false);
    expect(matchValue({ op: 'is', value: false }, undefined)).toBe(false);
  });

  it('compares numbers and numeric strings, nothing else', () => {
    expect(matchValue({ op: 'gte', value: 100 }, 120)).toBe(true);
    expect(matchValue({ op: 'gte', value: 100 }, '120.5')).toBe(true);
    expect(matchValue({ op: 'gte', value: 100 }, 'lots')).toBe(false);
    expect(matchValue({ op: 'gte', value: 0 }, '')).toBe(false);
    expect(matchValue({ op: 'between', min: 1, max: 2 }, null)).toBe(false);
  });

  it('applies text operators to the string form and never to missing values', () => {
    expect(matchValue({ op: 'equals', value: '42' }, 42)).toBe(true);
    expect(matchValue({ op: 'equals', value: 'true' }, true)).toBe(true);
    expect(matchValue({ op: 'contains', value: 'old' }, 'Gold')).toBe(true);
    expect(matchValue({ op: 'contains', value: '' }, undefined)).toBe(false);
    expect(matchValue({ op: 'wildcard', pattern: '*' }, null)).toBe(false);
  });
});
