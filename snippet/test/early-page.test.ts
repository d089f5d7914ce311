import { describe, expect, it } from 'vitest';
import { EARLY_KEY, type EarlyPage, takeEarlyPages } from '../src/core/early-page.ts';
import { createIdentity, SESSION_TIMEOUT_MS } from '../src/identity/identity.ts';
import type { KeyValue } from '../src/identity/storage.ts';

function memory(entries: Record<string, string> = {}): KeyValue & { data: Map<string, string> } {
  const data = new Map(Object.entries(entries));
  return { data, get: (k) => data.get(k), set: (k, v) => (v == null ? data.delete(k) : data.set(k, v)) };
}

const page = (p: string): EarlyPage => ({
  p,
  i: '0b7c4e6a-1f2d-4c3b-9a8e-7d6c5b4a3f2e',
  t: 1_700_000_000_000,
  u: 'https://shop.test/cart',
  n: 'Cart',
  r: '',
  a: true,
  q: [[1_700_000_000_500, '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', 'track', 'add_to_cart', { value: 5 }]],
});

describe('takeEarlyPages', () => {
  it('takes the stored pages of the site and removes them, leaving other sites alone', () => {
    const store = memory({
      [`${EARLY_KEY}a`]: JSON.stringify([page('pv-one-1234'), page('pv-two-1234')]),
      [`${EARLY_KEY}b`]: JSON.stringify([page('pv-other-12')]),
    });
    expect(takeEarlyPages(store, 'a').map((x) => x.p)).toEqual(['pv-one-1234', 'pv-two-1234']);
    expect(store.data.has(`${EARLY_KEY}a`)).toBe(false);
    expect(store.data.has(`${EARLY_KEY}b`)).toBe(true);
    expect(takeEarlyPages(store, 'a')).toEqual([]);
  });

  it('drops malformed entries and unreadable values instead of throwing', () => {
    const broken = { ...page('pv-broken-1'), t: 'yesterday' };
    const store = memory({ [`${EARLY_KEY}a`]: JSON.stringify([null, 7, broken, page('pv-good-123')]) });
    expect(takeEarlyPages(store, 'a').map((x) => x.p)).toEqual(['pv-good-123']);
    const garbage = memory({ [`${EARLY_KEY}a`]: '{not json' });
    expect(takeEarlyPages(garbage, 'a')).toEqual([]);
    expect(garbage.data.size).toBe(0);
    expect(takeEarlyPages(memory({ [`${EARLY_KEY}a`]: '{"p":1}' }), 'a')).toEqual([]);
  });
});

describe('session ids with replayed times', () => {
  it('keeps the session of an event replayed with an earlier time and never moves its last activity back', () => {
    const store = memory();
    const identity = createIdentity(store);
    const now = 1_700_000_000_000;
    const id = identity.session(now, true);
    expect(identity.session(now - 60_000, true)).toBe(id);
    expect(store.get('fw_sid')).toBe(`${id}.${now}`);
    expect(identity.session(now + SESSION_TIMEOUT_MS, false)).toBe(id);
    expect(identity.session(now + SESSION_TIMEOUT_MS + 1, true)).not.toBe(id);
  });
});
