import { LIMITS, trackedEvent } from '@floorwalker/protocol';
import { describe, expect, it } from 'vitest';
import { isCertainlyValidEvent } from '../../src/ingest/fast-event-check.ts';

type Json = Record<string, unknown>;

const base = {
  id: '0b7e6a3c-2f55-4d1e-9a39-6a0f3c2b7d11',
  ts: 1_760_000_000_000,
  visitorId: 'visitor_0001',
  sessionId: 'session_0001',
  pageViewId: 'pageview_0001',
  url: 'https://shop.example/products/42?utm_source=news',
};
const props = { color: 'blue', size: 42, gift: false, note: null };
const cart = { value: 29.9, currency: 'EUR', sku: 'SKU-1', quantity: 2, props };

/** Valid events of every type, with all optional fields and with none. */
const valid: Json[] = [
  { ...base, type: 'page_view' },
  {
    ...base,
    title: 'Blue shoes',
    type: 'page_view',
    referrer: 'https://www.google.com/',
    navigation: 'spa',
    language: 'en-GB',
    screen: '1440x900',
  },
  { ...base, type: 'engagement', engagedMs: 5000, scrollDepth: 40 },
  { ...base, type: 'heartbeat' },
  { ...base, type: 'heartbeat', active: true },
  { ...base, type: 'page_leave', title: 'Bye' },
  { ...base, type: 'add_to_cart' },
  { ...base, type: 'add_to_cart', ...cart },
  { ...base, type: 'remove_from_cart', ...cart },
  { ...base, type: 'checkout_started', ...cart },
  { ...base, type: 'purchase', value: 0 },
  { ...base, type: 'purchase', ...cart, orderId: 'A-1' },
  { ...base, type: 'identify', traits: { plan: 'gold' } },
  { ...base, type: 'identify', traits: {} },
  { ...base, type: 'custom', name: 'x' },
  { ...base, type: 'custom', name: 'filter_used', value: 1, currency: 'USD', props },
];

const lengths = [0, 1, 7, 8, 20, 21, 35, 36, 64, 65, 100, 101, 512, 513, 2048, 2049];
const strings = [
  ...lengths.map((n) => 'a'.repeat(n)),
  'has space_12',
  'ümlaut_1234',
  'EUR',
  'eur',
  'EURO',
  'load',
  'spa',
  'page_view',
  '00000000-0000-0000-0000-000000000000',
  '0b7e6a3c-2f55-0d1e-9a39-6a0f3c2b7d11',
  '0b7e6a3c2f554d1e9a396a0f3c2b7d11',
];
const numbers = [0, -1, 1, 1.5, 40, 100, 101, 100_000, 100_001, 86_400_000, 86_400_001, 1e12, 1e12 + 1];
numbers.push(8_640_000_000_000, 8_640_000_000_001, 2 ** 53, -0.5);
/** Replacement values for any field: wrong types, boundaries of every limit, odd shapes. */
const values: unknown[] = [null, true, false, {}, [], ['a'], { nested: true }, ...strings, ...numbers];

const manyProps = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, i]));
const propsValues: unknown[] = [
  manyProps(LIMITS.maxProps),
  manyProps(LIMITS.maxProps + 1),
  { ['k'.repeat(64)]: 1 },
  { ['k'.repeat(65)]: 1 },
  { a: 'v'.repeat(512) },
  { a: 'v'.repeat(513) },
  { a: { b: 1 } },
  { a: [1] },
  { '': 1 },
  JSON.parse('{"__proto__": {"x": 1}}'),
  JSON.parse('{"a": 1, "__proto__": 2}'),
];

/** Every valid event with each field removed or replaced, an unknown key added, the type swapped. */
function* corpus(): Generator<unknown> {
  const types = [...new Set(valid.map((v) => v.type))];
  for (const event of valid) {
    yield event;
    yield { ...event, extra: 1 };
    yield JSON.parse(`{"__proto__": 1, ${JSON.stringify(event).slice(1)}`);
    for (const type of types) yield { ...event, type };
    const keys = [...Object.keys(event), 'title', 'referrer', 'value', 'orderId', 'props', 'traits'];
    for (const key of keys) {
      const { [key]: _, ...without } = event;
      yield without;
      for (const value of [...values, ...propsValues]) yield { ...event, [key]: value };
    }
  }
  yield null;
  yield [];
  yield 'event';
}

describe('isCertainlyValidEvent', () => {
  it('accepts every kind of valid event, exactly as the schema outputs it', () => {
    for (const event of valid) {
      expect(isCertainlyValidEvent(event), JSON.stringify(event)).toBe(true);
      expect(trackedEvent.parse(event)).toEqual(event);
    }
  });

  it('never accepts an event the schema rejects or would change', () => {
    let accepted = 0;
    let checked = 0;
    for (const candidate of corpus()) {
      checked++;
      if (!isCertainlyValidEvent(candidate)) continue;
      accepted++;
      const parsed = trackedEvent.safeParse(candidate);
      expect(parsed.success, JSON.stringify(candidate).slice(0, 300)).toBe(true);
      expect(parsed.data).toEqual(candidate);
    }
    // The corpus reaches both answers (a broken generator would make the test vacuous).
    expect(checked).toBeGreaterThan(10_000);
    expect(accepted).toBeGreaterThan(500);
    expect(accepted).toBeLessThan(checked / 2);
  });
});
