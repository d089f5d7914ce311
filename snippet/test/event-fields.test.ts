import { eventBatch } from '@floorwalker/protocol';
import { describe, expect, it } from 'vitest';
import { randomId } from '../src/identity/random-id.ts';
import { cleanProps, eventFields } from '../src/tracking/event-fields.ts';
import { routeOf } from '../src/tracking/route-changes.ts';

/** Wraps fields into a full event and validates it with the protocol's own schema. */
function valid(fields: object) {
  const ids = {
    id: randomId(),
    ts: Date.now(),
    visitorId: randomId(),
    sessionId: randomId(),
    pageViewId: randomId(),
  };
  return eventBatch.safeParse({
    site: 'demo',
    sentAt: Date.now(),
    events: [{ ...ids, url: 'https://x.test/', ...fields }],
  });
}

describe('eventFields', () => {
  it('lifts the shop fields of add_to_cart and keeps the rest as props', () => {
    const f = eventFields('add_to_cart', {
      value: 49.9,
      currency: 'eur',
      sku: 'X1',
      quantity: 2,
      color: 'red',
    });
    expect(f).toEqual({
      type: 'add_to_cart',
      value: 49.9,
      currency: 'EUR',
      sku: 'X1',
      quantity: 2,
      props: { color: 'red' },
    });
    expect(valid(f!).success).toBe(true);
  });

  it('gives a purchase its order id and a value even when the shop forgot it', () => {
    expect(eventFields('purchase', { value: '120.50', currency: 'USD', orderId: 1042 })).toEqual({
      type: 'purchase',
      value: 120.5,
      currency: 'USD',
      orderId: '1042',
    });
    const bare = eventFields('purchase');
    expect(bare).toEqual({ type: 'purchase', value: 0 });
    expect(valid(bare!).success).toBe(true);
  });

  it('makes any other name a custom event with value and currency', () => {
    const f = eventFields('newsletter_signup', { value: 5, currency: 'GBP', sku: 'kept', list: 'weekly' });
    expect(f).toEqual({
      type: 'custom',
      name: 'newsletter_signup',
      value: 5,
      currency: 'GBP',
      props: { sku: 'kept', list: 'weekly' },
    });
    expect(valid(f!).success).toBe(true);
  });

  it('drops what the collector would reject instead of sending it', () => {
    const f = eventFields('checkout_started', {
      value: -3,
      currency: 'euro',
      quantity: 'lots',
      nested: { a: 1 },
      list: [1],
      n: Number.NaN,
    });
    expect(f).toEqual({ type: 'checkout_started', quantity: 1 });
    expect(valid(f!).success).toBe(true);
    expect(eventFields('', {})).toBeUndefined();
    expect(eventFields(42)).toBeUndefined();
  });

  it('bounds props: 50 keys, 64-character keys, 512-character strings', () => {
    const big = Object.fromEntries(
      Array.from({ length: 80 }, (_, i) => [`${i}${'k'.repeat(70)}`, 'v'.repeat(600)]),
    );
    const props = cleanProps(big);
    expect(Object.keys(props)).toHaveLength(50);
    for (const [k, v] of Object.entries(props)) {
      expect(k.length).toBeLessThanOrEqual(64);
      expect(String(v).length).toBe(512);
    }
  });
});

describe('randomId', () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('falls back to getRandomValues outside secure contexts with valid v4 UUIDs', () => {
    // No randomUUID, as in a plain-http page.
    const source: Pick<Crypto, 'getRandomValues'> = { getRandomValues: (a) => crypto.getRandomValues(a) };
    const ids = new Set(Array.from({ length: 500 }, () => randomId(source)));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(uuid);
  });

  it('uses randomUUID when there is one', () => {
    expect(
      randomId({ randomUUID: () => '00000000-0000-4000-8000-000000000000', getRandomValues: (a) => a }),
    ).toBe('00000000-0000-4000-8000-000000000000');
  });
});

describe('routeOf', () => {
  it('ignores in-page anchors but keeps hash-router routes', () => {
    expect(routeOf('https://s.test/p?a=1#reviews')).toBe('https://s.test/p?a=1');
    expect(routeOf('https://s.test/#/cart')).toBe('https://s.test/#/cart');
    expect(routeOf('https://s.test/#!/cart')).toBe('https://s.test/#!/cart');
    expect(routeOf('https://s.test/p')).toBe('https://s.test/p');
  });
});
