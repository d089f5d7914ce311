import type { StreamEntry } from '@floorwalker/protocol';
import { describe, expect, it } from 'vitest';
import { ident } from '../src/clickhouse/sql.ts';
import type { ClickHouse } from '../src/clickhouse/types.ts';
import { toEventRow } from '../src/events/event-row.ts';
import { foundation } from '../src/migrations/001-foundation.ts';

/** Column names of the `events` table, read from the migration itself. */
function eventColumns(): string[] {
  const ch = { table: (name: string) => ident(`db.${name}`) } as unknown as ClickHouse;
  const create = foundation({ ch, version: '26.1' }).find((s) => s.text.includes('`events` ('));
  const body = create!.text.slice(create!.text.indexOf('(') + 1, create!.text.indexOf(') ENGINE'));
  return body
    .split(',\n')
    .map((line) => line.trim().split(/\s+/)[0]!)
    .filter(Boolean);
}

const base = (
  event: Record<string, unknown>,
  serverTs = Date.UTC(2026, 0, 31, 23, 59, 59, 900),
): StreamEntry =>
  ({
    siteId: 'site_a',
    serverTs,
    receivedAt: serverTs + 100,
    enrichment: { device: 'mobile', browser: 'Safari', os: 'iOS', country: 'FR', isBot: true },
    event: {
      id: '0b7e6a3c-2f55-4d1e-9a39-6a0f3c2b7d11',
      ts: serverTs - 5000,
      visitorId: 'visitor_1234',
      sessionId: 'session_1234',
      pageViewId: 'pageview_1234',
      url: 'https://shop.example/de/checkout/step-2?utm_source=ads&utm_medium=cpc&x=1#pay',
      ...event,
    },
  }) as StreamEntry;

describe('toEventRow', () => {
  it('fills every column of the events table', () => {
    const row = toEventRow(base({ type: 'heartbeat', active: true }));
    expect(Object.keys(row).sort()).toEqual(eventColumns().sort());
  });

  it('takes day and time from the server time, in UTC', () => {
    const row = toEventRow(base({ type: 'heartbeat' }));
    expect(row).toMatchObject({
      day: '2026-01-31',
      ts: Date.UTC(2026, 0, 31, 23, 59, 59) / 1000,
      ts_ms: Date.UTC(2026, 0, 31, 23, 59, 59, 900),
    });
    expect(row.received_at).toBe(Date.UTC(2026, 1, 1, 0, 0, 0) / 1000);
  });

  it('gives each row its own day when consecutive rows cross midnight and back', () => {
    const midnight = Date.UTC(2026, 1, 1);
    const days = [midnight - 1, midnight, midnight + 5, midnight - 2, 0, midnight + 86_400_000].map(
      (t) => toEventRow(base({ type: 'heartbeat' }, t)).day,
    );
    expect(days).toEqual([
      '2026-01-31',
      '2026-02-01',
      '2026-02-01',
      '2026-01-31',
      '1970-01-01',
      '2026-02-02',
    ]);
  });

  it('parses path and campaign parameters from the url', () => {
    const row = toEventRow(
      base({ type: 'page_view', referrer: 'https://ads.example/', language: 'fr', screen: '390x844' }),
    );
    expect(row).toMatchObject({
      path: '/de/checkout/step-2',
      utm_source: 'ads',
      utm_medium: 'cpc',
      utm_campaign: '',
      referrer: 'https://ads.example/',
      language: 'fr',
      screen: '390x844',
      device: 'mobile',
      is_bot: 1,
      title: '',
    });
  });

  it('maps shop and custom fields and serialises props', () => {
    expect(
      toEventRow(
        base({
          type: 'purchase',
          value: 99.5,
          currency: 'EUR',
          orderId: 'o-1',
          sku: 'A',
          quantity: 3,
          props: { coupon: 'X' },
        }),
      ),
    ).toMatchObject({
      event: 'purchase',
      value: 99.5,
      currency: 'EUR',
      order_id: 'o-1',
      sku: 'A',
      quantity: 3,
      props: '{"coupon":"X"}',
    });
    expect(toEventRow(base({ type: 'custom', name: 'video_play', value: 1 }))).toMatchObject({
      name: 'video_play',
      value: 1,
      props: '{}',
    });
    expect(toEventRow(base({ type: 'identify', traits: { plan: 'pro' } })).props).toBe('{"plan":"pro"}');
    expect(toEventRow(base({ type: 'engagement', engagedMs: 1234, scrollDepth: 55 }))).toMatchObject({
      engaged_ms: 1234,
      scroll_depth: 55,
    });
  });

  it('reads paths of bare origins, ports and backslashes like a browser', () => {
    const path = (url: string) => toEventRow(base({ type: 'heartbeat', url })).path;
    expect(path('https://shop.example')).toBe('/');
    expect(path('https://shop.example:8443/a/b?x=1#h?utm_source=no')).toBe('/a/b');
    expect(path('https://shop.example/a\\b')).toBe('/a/b');
    expect(
      toEventRow(base({ type: 'heartbeat', url: 'https://s.example/?utm_source=a+b&utm_content=%C3%A9' })),
    ).toMatchObject({
      utm_source: 'a b',
      utm_content: 'é',
    });
  });

  it('keeps odd input insertable: relative urls, lone surrogates, times outside the DateTime range', () => {
    const row = toEventRow(
      base({ type: 'page_view', url: '/cart?utm_source=a%20b', title: 'bad \ud800 title' }, -5),
    );
    expect(row).toMatchObject({
      path: '/cart',
      utm_source: 'a b',
      title: 'bad \ufffd title',
      ts: 0,
      day: '1970-01-01',
    });
    expect(toEventRow(base({ type: 'heartbeat' }, 9e15)).ts).toBe(4_294_967_295);
  });
});
