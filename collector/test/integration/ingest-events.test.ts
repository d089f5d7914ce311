import { randomUUID } from 'node:crypto';
import { errorBody, ingestResponse, LIMITS, streamBatchEntry } from '@floorwalker/protocol';
import { siteRegistry } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageView, randomId, startTestCollector, type TestCollector } from '../helpers/collector-app.ts';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector({ RATE_LIMIT_PER_IP_PER_MIN: '0', RATE_LIMIT_PER_SITE_PER_MIN: '0' });
});
afterAll(async () => {
  await c?.close();
});

function post(body: unknown, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') {
  return c.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': CHROME, ...headers },
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    remoteAddress,
  });
}

/** When the dedupe window of an event id ends (0 when not marked seen), and how long its bucket lives. */
async function seenUntil(siteId: string, eventId: string): Promise<{ until: number; ttlMs: number }> {
  const buckets = await c.redis.keys(`${c.keys.key('seen', siteId)}:*`);
  for (const bucket of buckets) {
    const until = await c.redis.hget(bucket, eventId);
    if (until !== null) return { until: Number(until), ttlMs: await c.redis.pttl(bucket) };
  }
  return { until: 0, ttlMs: 0 };
}

describe('POST /v1/events', () => {
  it('stores valid events exactly once and reports invalid ones by index with zod paths', async () => {
    const site = await c.addSite();
    const visitorId = randomId('visitor');
    const good1 = pageView({ visitorId });
    const good2 = {
      ...pageView({ visitorId }),
      type: 'add_to_cart',
      value: 19.9,
      currency: 'EUR',
      sku: 'SKU-1',
    };
    const badUrl = pageView({ visitorId, url: 42 as unknown as string });
    const badType = { ...pageView({ visitorId }), type: 'teleport' };
    const res = await post({
      site: site.siteId,
      sentAt: Date.now(),
      events: [good1, badUrl, good2, badType],
    });

    expect(res.statusCode).toBe(200);
    const body = ingestResponse.parse(res.json());
    expect(body.accepted).toBe(2);
    expect(body.duplicates).toBe(0);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 3]);
    expect(body.rejected[0]).toMatchObject({ code: 'FW_INGEST_BAD_EVENT' });
    expect(body.rejected[0]?.issues.map((i) => i.path)).toContainEqual(['url']);
    expect(body.rejected[1]?.issues.map((i) => i.path)).toContainEqual(['type']);

    const mine = (await c.streamEntries()).filter((e) => e.event.visitorId === visitorId);
    expect(mine.map((e) => e.event.id).sort()).toEqual([good1.id, good2.id].sort());
    expect(mine.every((e) => e.siteId === site.siteId)).toBe(true);
    // All of one visitor's events sit in that visitor's partition, in batch order, as one entry.
    const stream = c.keys.eventStream(c.keys.partitionOf(visitorId));
    const raw = await c.redis.xrange(stream, '-', '+');
    const batches = raw
      .map(([, f]) => streamBatchEntry.parse(JSON.parse(f[1] ?? '{}')))
      .filter((b) => b.events.some((e) => e.visitorId === visitorId));
    expect(batches).toHaveLength(1);
    expect(batches[0]?.events.map((e) => e.id)).toEqual([good1.id, good2.id]);
  });

  it('accepts application/json bodies as well as text/plain', async () => {
    const site = await c.addSite();
    const event = pageView({ visitorId: randomId('visitor') });
    const res = await post(
      { site: site.siteId, sentAt: Date.now(), events: [event] },
      {
        'content-type': 'application/json; charset=utf-8',
      },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await c.streamEntries()).some((e) => e.event.id === event.id)).toBe(true);
  });

  it('drops a retried batch as duplicates within the dedupe window, also inside one batch', async () => {
    const site = await c.addSite();
    const visitorId = randomId('visitor');
    const events = [pageView({ visitorId }), pageView({ visitorId })];
    const batch = { site: site.siteId, sentAt: Date.now(), events };
    expect((await post(batch)).json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect((await post(batch)).json()).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    const twice = pageView({ visitorId });
    expect((await post({ ...batch, events: [twice, twice] })).json()).toEqual({
      accepted: 1,
      duplicates: 1,
      rejected: [],
    });
    const mine = (await c.streamEntries()).filter((e) => e.event.visitorId === visitorId);
    expect(mine).toHaveLength(3);
    // Remembered for the whole window (600 s by default), in a bucket that outlives it.
    const seen = await seenUntil(site.siteId, twice.id as string);
    expect(seen.until).toBeGreaterThan(Date.now() + 590_000);
    expect(seen.until).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(seen.ttlMs).toBeGreaterThan(600_000);
  });

  it('writes one entry per partition of a batch and leaves exactly the duplicates out of it', async () => {
    const site = await c.addSite();
    // Two visitors in different partitions; titles with multi-byte characters, so cutting the
    // joined events by length must count bytes, not characters.
    const a = randomId('visitor');
    let b = randomId('visitor');
    while (c.keys.partitionOf(b) === c.keys.partitionOf(a)) b = randomId('visitor');
    const known = pageView({ visitorId: a, title: 'Schuhe – grün, 👟' });
    await post({ site: site.siteId, sentAt: Date.now(), events: [known] });
    const a1 = pageView({ visitorId: a, title: 'Größe, „42“' });
    const b1 = pageView({ visitorId: b, title: '靴, 青' });
    const { navigation: _, ...plain } = pageView({ visitorId: a });
    const a2 = { ...plain, type: 'custom', name: 'size, picked', props: { s: 'ü,' } };
    const b2 = pageView({ visitorId: b, title: 'é' });
    const res = await post({ site: site.siteId, sentAt: Date.now(), events: [a1, known, b1, a2, b1, b2] });
    expect(res.json()).toEqual({ accepted: 4, duplicates: 2, rejected: [] });

    const entriesOf = async (visitorId: string) =>
      (await c.redis.xrange(c.keys.eventStream(c.keys.partitionOf(visitorId)), '-', '+'))
        .map(([, f]) => streamBatchEntry.parse(JSON.parse(f[1] ?? '{}')))
        .filter((entry) => entry.events.some((e) => e.visitorId === visitorId));
    const [, ofA] = await entriesOf(a);
    const [ofB] = await entriesOf(b);
    expect(ofA?.events).toEqual([a1, a2]);
    expect(ofB?.events).toEqual([b1, b2]);
    expect(ofA?.serverTs).toHaveLength(2);
    expect(ofB?.serverTs).toHaveLength(2);
    expect(ofA?.enrichment).toEqual(ofB?.enrichment);
  });

  it('accepts a resent id again once the dedupe window has passed, and never dedupes when off', async () => {
    const short = await startTestCollector({ DEDUPE_WINDOW_SECONDS: '1' });
    const off = await startTestCollector({ DEDUPE_WINDOW_SECONDS: '0' });
    try {
      for (const [t, second] of [
        [short, { accepted: 1, duplicates: 0, rejected: [] }],
        [off, { accepted: 1, duplicates: 0, rejected: [] }],
      ] as const) {
        const site = await t.addSite();
        const payload = JSON.stringify({ site: site.siteId, sentAt: Date.now(), events: [pageView()] });
        const send = async () =>
          (
            await t.app.inject({
              method: 'POST',
              url: '/v1/events',
              headers: { 'content-type': 'text/plain' },
              payload,
            })
          ).json();
        expect(await send()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
        if (t === short) {
          expect(await send()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
          await new Promise((r) => setTimeout(r, 1100));
        }
        expect(await send()).toEqual(second);
      }
    } finally {
      await short.close();
      await off.close();
    }
  });

  it('stays at-least-once: a failed append marks nothing, so the retry is accepted', async () => {
    const site = await c.addSite();
    const visitorId = randomId('visitor');
    const stream = c.keys.eventStream(c.keys.partitionOf(visitorId));
    const saved = await c.redis.rename(stream, `${stream}:saved`).catch(() => null);
    // A plain string where the stream should be: XADD fails with WRONGTYPE.
    await c.redis.set(stream, 'not a stream');
    const event = pageView({ visitorId });
    const batch = { site: site.siteId, sentAt: Date.now(), events: [event] };
    const failed = await post(batch);
    expect(failed.statusCode).toBe(503);
    expect(errorBody.parse(failed.json()).error.code).toBe('FW_INGEST_UNAVAILABLE');
    expect(await seenUntil(site.siteId, event.id as string)).toEqual({ until: 0, ttlMs: 0 });

    await c.redis.del(stream);
    if (saved) await c.redis.rename(`${stream}:saved`, stream);
    const retried = await post(batch);
    expect(retried.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await c.streamEntries()).filter((e) => e.event.id === event.id)).toHaveLength(1);
  });

  it('corrects client clock skew with sentAt and clamps to the server clock', async () => {
    const site = await c.addSite();
    const visitorId = randomId('visitor');
    const hour = 3_600_000;
    // The client clock runs two hours ahead; the event happened 5 s before sending.
    const clientNow = Date.now() + 2 * hour;
    const skewed = pageView({ visitorId, ts: clientNow - 5000 });
    // Event time after sentAt is impossible: clamped to receivedAt.
    const future = pageView({ visitorId, ts: clientNow + hour });
    // Ten days before sending: clamped to three days before receipt.
    const ancient = pageView({ visitorId, ts: clientNow - 10 * 24 * hour });
    const before = Date.now();
    await post({ site: site.siteId, sentAt: clientNow, events: [skewed, future, ancient] });
    const after = Date.now();
    const byId = new Map((await c.streamEntries()).map((e) => [e.event.id, e]));

    const s = byId.get(skewed.id as string)!;
    expect(s.receivedAt).toBeGreaterThanOrEqual(before);
    expect(s.receivedAt).toBeLessThanOrEqual(after);
    expect(s.serverTs).toBe(s.receivedAt - 5000);
    expect(s.event.ts).toBe(skewed.ts); // the client's own clock is kept as sent
    const f = byId.get(future.id as string)!;
    expect(f.serverTs).toBe(f.receivedAt);
    const a = byId.get(ancient.id as string)!;
    expect(a.serverTs).toBe(a.receivedAt - 3 * 24 * hour);
  });

  it('enriches every stored event with device, browser, OS, bot flag and country', async () => {
    const site = await c.addSite();
    const iphone = randomId('visitor');
    const bot = randomId('visitor');
    await post(
      { site: site.siteId, sentAt: Date.now(), events: [pageView({ visitorId: iphone })] },
      {
        'user-agent':
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      },
      '8.8.8.8',
    );
    await post(
      { site: site.siteId, sentAt: Date.now(), events: [pageView({ visitorId: bot })] },
      {
        'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      },
    );
    const entries = await c.streamEntries();
    expect(entries.find((e) => e.event.visitorId === iphone)?.enrichment).toEqual({
      device: 'mobile',
      browser: 'Mobile Safari',
      os: 'iOS',
      country: 'US',
      isBot: false,
    });
    expect(entries.find((e) => e.event.visitorId === bot)?.enrichment).toMatchObject({
      device: 'bot',
      browser: 'Googlebot',
      isBot: true,
      country: '', // 127.0.0.1
    });
  });

  it('answers 404 for an unknown site and 403 for an origin the site does not allow', async () => {
    const unknown = await post({ site: 'no_such_site', sentAt: Date.now(), events: [pageView()] });
    expect(unknown.statusCode).toBe(404);
    expect(errorBody.parse(unknown.json()).error.code).toBe('FW_INGEST_UNKNOWN_SITE');

    const site = await c.addSite({ allowedOrigins: ['https://shop.example'] });
    const batch = { site: site.siteId, sentAt: Date.now(), events: [pageView({ visitorId: randomId('v') })] };
    const foreign = await post(batch, { origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('FW_INGEST_ORIGIN_FORBIDDEN');
    // CORS headers are present on errors too, so the snippet can read the code.
    expect(foreign.headers['access-control-allow-origin']).toBe('https://evil.example');
    const missing = await post(batch);
    expect(missing.statusCode).toBe(403);
    const allowed = await post(batch, { origin: 'https://SHOP.example:443' });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().accepted).toBe(1);
  });

  it('sees site changes published by the dashboard without waiting for the cache to expire', async () => {
    const site = await c.addSite({ allowedOrigins: ['https://old.example'] });
    const batch = () => ({
      site: site.siteId,
      sentAt: Date.now(),
      events: [pageView({ visitorId: randomId('v') })],
    });
    expect((await post(batch(), { origin: 'https://new.example' })).statusCode).toBe(403);
    await siteRegistry(c.redis, c.keys).publish({ ...site, allowedOrigins: ['https://new.example'] });
    await expect
      .poll(async () => (await post(batch(), { origin: 'https://new.example' })).statusCode)
      .toBe(200);
    await siteRegistry(c.redis, c.keys).publish({ ...site, deleted: true });
    await expect
      .poll(async () => (await post(batch(), { origin: 'https://new.example' })).statusCode)
      .toBe(404);
  });

  it('rejects bodies over the limit with 413, malformed JSON, bad UTF-8 and bad envelopes with 400', async () => {
    const site = await c.addSite();
    const huge = await post(
      `{"site":"${site.siteId}","sentAt":1,"events":["${'x'.repeat(LIMITS.maxBodyBytes)}"]}`,
    );
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('FW_INGEST_BODY_TOO_LARGE');

    const bad = await post('{"site": ');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('FW_INGEST_BAD_JSON');

    const latin1 = await post(Buffer.from([0x7b, 0x22, 0xe9, 0xff, 0x22, 0x7d]));
    expect(latin1.statusCode).toBe(400);
    expect(latin1.json().error.code).toBe('FW_INGEST_BAD_ENCODING');

    const envelope = await post({ site: site.siteId, sentAt: 'yesterday', events: [] });
    expect(envelope.statusCode).toBe(400);
    const err = errorBody.parse(envelope.json()).error;
    expect(err.code).toBe('FW_INGEST_BAD_BATCH');
    expect(err.issues?.map((i) => i.path)).toEqual(expect.arrayContaining([['sentAt'], ['events']]));

    const form = await post('a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode).toBe(415);
    expect(form.json().error.code).toBe('FW_INGEST_UNSUPPORTED_MEDIA_TYPE');
  });

  it('keeps valid events when a neighbour carries a huge string', async () => {
    const site = await c.addSite();
    const visitorId = randomId('visitor');
    const ok = pageView({ visitorId });
    const res = await post({
      site: site.siteId,
      sentAt: Date.now(),
      events: [ok, pageView({ visitorId, title: 't'.repeat(100_000) })],
    });
    expect(res.statusCode).toBe(200);
    const body = ingestResponse.parse(res.json());
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      { index: 1, code: 'FW_INGEST_BAD_EVENT', issues: [expect.objectContaining({ path: ['title'] })] },
    ]);
  });

  it('answers CORS preflights for JSON bodies from any origin without credentials', async () => {
    const res = await c.app.inject({
      method: 'OPTIONS',
      url: '/v1/events',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('drops events on sites that honour DNT / GPC when the browser sends the signal', async () => {
    const site = await c.addSite({ respectPrivacySignals: true });
    const visitorId = randomId('visitor');
    const res = await post(
      { site: site.siteId, sentAt: Date.now(), events: [pageView({ visitorId })] },
      {
        'sec-gpc': '1',
      },
    );
    expect(res.json()).toEqual({ accepted: 0, duplicates: 0, rejected: [] });
    const plain = await post({ site: site.siteId, sentAt: Date.now(), events: [pageView({ visitorId })] });
    expect(plain.json().accepted).toBe(1);
    expect((await c.streamEntries()).filter((e) => e.event.visitorId === visitorId)).toHaveLength(1);
  });

  it('uses the trusted proxy country header only when TRUST_PROXY is on', async () => {
    const proxied = await startTestCollector({ TRUST_PROXY: 'true', GEO_COUNTRY_HEADER: 'CF-IPCountry' });
    const direct = await startTestCollector({ GEO_COUNTRY_HEADER: 'cf-ipcountry' });
    try {
      for (const t of [proxied, direct]) {
        const site = await t.addSite();
        await t.app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: {
            'content-type': 'text/plain',
            'cf-ipcountry': 'DE',
            'x-forwarded-for': '8.8.8.8',
            'user-agent': CHROME,
          },
          payload: JSON.stringify({
            site: site.siteId,
            sentAt: Date.now(),
            events: [pageView({ id: randomUUID() })],
          }),
          remoteAddress: '127.0.0.1',
        });
      }
      expect((await proxied.streamEntries())[0]?.enrichment.country).toBe('DE');
      // Not behind a trusted proxy: both headers are ignored and 127.0.0.1 has no country.
      expect((await direct.streamEntries())[0]?.enrichment.country).toBe('');
    } finally {
      await proxied.close();
      await direct.close();
    }
  });
});
