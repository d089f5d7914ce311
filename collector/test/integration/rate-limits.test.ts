import { errorBody } from '@floorwalker/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageView, randomId, startTestCollector, type TestCollector } from '../helpers/collector-app.ts';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector({ RATE_LIMIT_PER_IP_PER_MIN: '3', RATE_LIMIT_PER_SITE_PER_MIN: '5' });
});
afterAll(async () => {
  await c?.close();
});

function post(siteId: string, events: number, remoteAddress: string) {
  return c.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'text/plain' },
    payload: JSON.stringify({
      site: siteId,
      sentAt: Date.now(),
      events: Array.from({ length: events }, () => pageView({ visitorId: randomId('visitor') })),
    }),
    remoteAddress,
  });
}

describe('rate limits', () => {
  it('answers 429 with Retry-After once a client sends more batches per minute than allowed', async () => {
    const site = await c.addSite();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(site.siteId, 1, '203.0.113.7')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await post(site.siteId, 1, '203.0.113.7');
    expect(errorBody.parse(limited.json()).error.code).toBe('FW_INGEST_RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another client is not affected by the first one's limit (the site still has room).
    expect((await post(site.siteId, 1, '203.0.113.8')).statusCode).toBe(200);
  });

  it('counts one IPv6 /64 as one client', async () => {
    const site = await c.addSite();
    const addresses = [
      '2001:db8:1:2::1',
      '2001:db8:1:2:aaaa::2',
      '2001:0db8:0001:0002:ffff::3',
      '2001:db8:1:2::4',
    ];
    const statuses = [];
    for (const a of addresses) statuses.push((await post(site.siteId, 1, a)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await post(site.siteId, 1, '2001:db8:1:3::1')).statusCode).toBe(200);
  });

  it('limits the events of one site per minute across clients', async () => {
    const site = await c.addSite();
    expect((await post(site.siteId, 3, '198.51.100.1')).statusCode).toBe(200);
    expect((await post(site.siteId, 2, '198.51.100.2')).statusCode).toBe(200);
    const over = await post(site.siteId, 1, '198.51.100.3');
    expect(over.statusCode).toBe(429);
    expect(over.json().error.message).toContain('site');
    // A different site has its own budget.
    const other = await c.addSite();
    expect((await post(other.siteId, 1, '198.51.100.4')).statusCode).toBe(200);
  });
});
