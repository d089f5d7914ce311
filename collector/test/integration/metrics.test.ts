import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageView, randomId, startTestCollector, type TestCollector } from '../helpers/collector-app.ts';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(async () => {
  await c?.close();
});

/** The value of one sample line of the Prometheus text, or 0 when absent. */
function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function scrape(headers: Record<string, string> = {}): Promise<string> {
  const res = await c.app.inject({ method: 'GET', url: '/metrics', headers });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.body;
}

describe('GET /metrics', () => {
  it('counts requests, batches, accepted, rejected and duplicate events, and errors by code', async () => {
    const before = await scrape();
    const site = await c.addSite();
    const event = pageView({ visitorId: randomId('visitor') });
    const batch = { site: site.siteId, sentAt: Date.now(), events: [event, { type: 'page_view' }] };
    const send = (body: unknown) =>
      c.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify(body),
      });
    await send(batch);
    await send(batch);
    await send({ site: 'unknown_site', sentAt: 1, events: [event] });
    const after = await scrape();

    const delta = (name: string, labels = '') => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('fw_collector_batches_total')).toBe(2);
    expect(delta('fw_collector_events_accepted_total', 'type="page_view"')).toBe(1);
    expect(delta('fw_collector_events_duplicate_total')).toBe(1);
    expect(delta('fw_collector_events_rejected_total', 'code="FW_INGEST_BAD_EVENT"')).toBe(2);
    expect(delta('fw_collector_http_errors_total', 'code="FW_INGEST_UNKNOWN_SITE"')).toBe(1);
    expect(delta('fw_collector_http_requests_total', 'method="POST",route="/v1/events",status="200"')).toBe(
      2,
    );
    expect(delta('fw_collector_http_requests_total', 'method="POST",route="/v1/events",status="404"')).toBe(
      1,
    );
  });

  it('reports stream length, and pending and lag of the engine writer group, at scrape time', async () => {
    const site = await c.addSite();
    const visitorId = randomId('visitor');
    const stream = c.keys.eventStream(c.keys.partitionOf(visitorId));
    await c.redis.xgroup('CREATE', stream, 'writer', '0', 'MKSTREAM');
    const events = [pageView({ visitorId }), pageView({ visitorId }), pageView({ visitorId })];
    await c.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ site: site.siteId, sentAt: Date.now(), events }),
    });
    const length = await c.redis.xlen(stream);
    // The engine reads one entry and has not acknowledged it yet.
    await c.redis.xreadgroup('GROUP', 'writer', 'w1', 'COUNT', 1, 'STREAMS', stream, '>');
    const text = await scrape();
    expect(sample(text, 'fw_collector_stream_length', `stream="${stream}"`)).toBe(length);
    expect(sample(text, 'fw_collector_stream_pending', `stream="${stream}",group="writer"`)).toBe(1);
    expect(sample(text, 'fw_collector_stream_lag', `stream="${stream}",group="writer"`)).toBe(length - 1);
    expect(sample(text, 'fw_collector_redis_up')).toBe(1);
  });

  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const secured = await startTestCollector({ METRICS_TOKEN: 'a-very-long-metrics-token' });
    try {
      const open = await secured.app.inject({ method: 'GET', url: '/metrics' });
      expect(open.statusCode).toBe(401);
      expect(open.json().error.code).toBe('FW_METRICS_UNAUTHORIZED');
      const wrong = await secured.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer nope' },
      });
      expect(wrong.statusCode).toBe(401);
      const ok = await secured.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer a-very-long-metrics-token' },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('fw_collector_events_accepted_total');
    } finally {
      await secured.close();
    }
  });

  it('answers /healthz with ok while Redis is up', async () => {
    const res = await c.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', redis: 'ok' });
  });
});
