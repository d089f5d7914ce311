import { randomUUID } from 'node:crypto';
import { sql } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  engines,
  openTestClickHouse,
  openTestRedis,
  type TestClickHouse,
  type TestRedis,
} from '../../../test/helpers/stores.ts';
import { silentLogger } from '../../src/logger.ts';
import { streamWriter } from '../../src/writer/stream-writer.ts';
import { append, entry, pendingCount, waitFor } from '../helpers/stream-entries.ts';

describe.each(engines)('stream writer on %s ClickHouse', (kind) => {
  let db: TestClickHouse;
  let r: TestRedis;

  beforeAll(async () => {
    db = await openTestClickHouse(kind);
    r = await openTestRedis();
  });
  afterAll(async () => {
    await r?.cleanup();
    await db?.cleanup();
  });

  const writer = (consumer = 'writer-test', extra: Partial<Parameters<typeof streamWriter>[0]> = {}) =>
    streamWriter({
      ch: db.ch,
      redis: r.redis,
      redisUrl: r.url,
      streams: r.keys.eventStreams(),
      consumer,
      logger: silentLogger,
      flushMs: 100,
      ...extra,
    });

  const countEvents = async (siteId: string) => {
    const [row] = await db.ch.query<{ n: number; ids: number }>(
      sql`SELECT count() AS n, uniqExact(event_id) AS ids FROM ${db.ch.table('events')} FINAL WHERE site_id = ${siteId}`,
    );
    return { n: Number(row?.n ?? 0), ids: Number(row?.ids ?? 0) };
  };

  it('writes every entry once with all its fields, skips malformed ones and acknowledges everything', async () => {
    const siteId = `site_${randomUUID().slice(0, 8)}`;
    const t = Date.UTC(2026, 4, 17, 10, 30, 0, 250);
    const visitors = ['visitor_aaaaaaaa', 'visitor_bbbbbbbb', 'visitor_cccccccc'];
    const entries = visitors.flatMap((visitorId, v) => [
      entry(
        {
          type: 'page_view',
          visitorId,
          url: 'https://shop.example/products/shoe?utm_source=news&utm_medium=email&utm_campaign=may&utm_term=run&utm_content=hero#top',
          referrer: 'https://www.google.com/',
          language: 'de-DE',
          screen: '1920x1080',
          navigation: 'load',
        },
        { siteId, serverTs: t + v },
      ),
      entry(
        { type: 'engagement', visitorId, engagedMs: 1500, scrollDepth: 70 },
        { siteId, serverTs: t + 10 + v },
      ),
      entry(
        {
          type: 'add_to_cart',
          visitorId,
          value: 59.9,
          currency: 'EUR',
          sku: 'SHOE-42',
          quantity: 2,
          props: { size: 42 },
        },
        { siteId, serverTs: t + 20 + v },
      ),
      entry(
        { type: 'purchase', visitorId, value: 59.9, currency: 'EUR', orderId: `order-${v}` },
        { siteId, serverTs: t + 30 + v },
      ),
      entry(
        { type: 'custom', visitorId, name: 'newsletter_signup', props: { list: 'weekly' } },
        { siteId, serverTs: t + 40 + v },
      ),
      entry(
        { type: 'identify', visitorId, traits: { email: 'a@b.example', plan: 'gold' } },
        { siteId, serverTs: t + 50 + v },
      ),
    ]);
    await append(r.redis, r.keys, entries, { version: 1 });
    // Not valid JSON, valid JSON of the wrong shape, and an entry without field `e`.
    await r.redis.xadd(r.keys.eventStream(0), '*', 'e', '{nope');
    await r.redis.xadd(
      r.keys.eventStream(1),
      '*',
      'e',
      JSON.stringify({ siteId, event: { type: 'page_view' } }),
    );
    await r.redis.xadd(r.keys.eventStream(2), '*', 'x', '1');

    const w = writer();
    await w.start();
    try {
      await waitFor(async () => (await countEvents(siteId)).n >= entries.length, 20_000, 'rows');
      await waitFor(() => w.stats().malformed === 3, 5000, 'malformed count');
      await waitFor(async () => (await pendingCount(r.redis, r.keys, 'writer')) === 0, 5000, 'acks');
    } finally {
      await w.stop();
    }
    expect(await countEvents(siteId)).toEqual({ n: entries.length, ids: entries.length });

    const rows = await db.ch.query<Record<string, unknown>>(sql`
      SELECT site_id, toString(day) AS day, toUnixTimestamp(ts) AS ts, ts_ms, toUnixTimestamp(received_at) AS received_at,
        event, name, event_id, visitor_id, session_id, page_view_id, url, path, title, referrer,
        utm_source, utm_medium, utm_campaign, utm_term, utm_content, device, browser, os, country, language, screen,
        is_bot, engaged_ms, scroll_depth, value, currency, order_id, sku, quantity, props
      FROM ${db.ch.table('events')} WHERE site_id = ${siteId} AND visitor_id = 'visitor_aaaaaaaa' ORDER BY ts_ms`);
    expect(rows.map((row) => row.event)).toEqual([
      'page_view',
      'engagement',
      'add_to_cart',
      'purchase',
      'custom',
      'identify',
    ]);
    const [pv, engagement, cart, purchase, custom, identify] = rows;
    expect(pv).toMatchObject({
      site_id: siteId,
      day: '2026-05-17',
      ts: Math.floor(t / 1000),
      ts_ms: t,
      received_at: Math.floor((t + 5) / 1000),
      event_id: entries[0]!.event.id,
      session_id: 'session_0000001',
      page_view_id: 'pageview_000001',
      path: '/products/shoe',
      title: 'Shop',
      referrer: 'https://www.google.com/',
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: 'may',
      utm_term: 'run',
      utm_content: 'hero',
      device: 'desktop',
      browser: 'Chrome',
      os: 'Linux',
      country: 'DE',
      language: 'de-DE',
      screen: '1920x1080',
      is_bot: 0,
      props: '{}',
    });
    expect(engagement).toMatchObject({ engaged_ms: 1500, scroll_depth: 70, referrer: '', language: '' });
    expect(cart).toMatchObject({ value: 59.9, currency: 'EUR', sku: 'SHOE-42', quantity: 2 });
    expect(JSON.parse(String(cart?.props))).toEqual({ size: 42 });
    expect(purchase).toMatchObject({ value: 59.9, order_id: 'order-0' });
    expect(custom).toMatchObject({ name: 'newsletter_signup' });
    expect(JSON.parse(String(identify?.props))).toEqual({ email: 'a@b.example', plan: 'gold' });
  });

  it('writes every event of batch entries (version 2), next to version 1 entries, and skips malformed ones', async () => {
    const siteId = `site_${randomUUID().slice(0, 8)}`;
    const receivedAt = Date.UTC(2026, 4, 17, 11, 0, 0, 0);
    const enrichment = { device: 'mobile', browser: 'Safari', os: 'iOS', country: 'FR', isBot: false };
    const batchOf = (visitorId: string) =>
      ['page_view', 'heartbeat', 'engagement'].map((type, i) =>
        entry(
          type === 'engagement'
            ? { type, visitorId, engagedMs: 1000, scrollDepth: 30 }
            : { type: type as 'page_view', visitorId },
          { siteId, serverTs: receivedAt - 100 + i },
        ),
      );
    const batches = ['visitor_v2aaaaaa', 'visitor_v2bbbbbb'].map((visitorId) =>
      batchOf(visitorId).map((e) => ({ ...e, receivedAt, enrichment })),
    );
    const ids = await append(r.redis, r.keys, batches.flat());
    expect(ids).toHaveLength(2); // one entry per batch
    const v1 = entry({ type: 'page_leave', visitorId: 'visitor_v1cccccc' }, { siteId });
    await append(r.redis, r.keys, [v1], { version: 1 });
    const first = batches[0]![0]!;
    const bad = { v: 2, siteId, receivedAt, enrichment, events: [first.event], serverTs: [] };
    await r.redis.xadd(r.keys.eventStream(0), '*', 'e', JSON.stringify(bad));
    await r.redis.xadd(r.keys.eventStream(1), '*', 'e', JSON.stringify({ ...bad, v: 3, serverTs: [1] }));

    const w = writer('writer-v2');
    await w.start();
    try {
      await waitFor(async () => (await countEvents(siteId)).n >= 7, 20_000, 'rows');
      await waitFor(() => w.stats().malformed === 2, 5000, 'malformed count');
      await waitFor(async () => (await pendingCount(r.redis, r.keys, 'writer')) === 0, 5000, 'acks');
    } finally {
      await w.stop();
    }
    expect(await countEvents(siteId)).toEqual({ n: 7, ids: 7 });
    const rows = await db.ch.query<{
      event_id: string;
      ts_ms: number;
      received_at: number;
      device: string;
    }>(sql`
      SELECT event_id, ts_ms, toUnixTimestamp(received_at) AS received_at, device
      FROM ${db.ch.table('events')} WHERE site_id = ${siteId} AND visitor_id = 'visitor_v2aaaaaa' ORDER BY ts_ms`);
    expect(rows).toEqual(
      batches[0]!.map((e) => ({
        event_id: e.event.id,
        ts_ms: e.serverTs,
        received_at: receivedAt / 1000,
        device: 'mobile',
      })),
    );
  });

  it('counts an event appended twice (a collector retry) once with FINAL and uniqExact', async () => {
    const siteId = `site_${randomUUID().slice(0, 8)}`;
    const once = Array.from({ length: 20 }, (_, i) =>
      entry({ type: 'page_view', visitorId: `visitor_dup${String(i).padStart(5, '0')}` }, { siteId }),
    );
    const w = writer('writer-dup', { batchRows: 7 });
    await w.start();
    try {
      await append(r.redis, r.keys, once);
      await waitFor(async () => (await countEvents(siteId)).ids === 20, 20_000, 'first copies');
      await append(r.redis, r.keys, once.slice(0, 10)); // the same event ids again, in later inserts
      await waitFor(() => w.stats().written >= 30, 20_000, 'second copies');
    } finally {
      await w.stop();
    }
    expect(await countEvents(siteId)).toEqual({ n: 20, ids: 20 });
  });

  it('acknowledges entries only after ClickHouse stored them', async () => {
    const siteId = `site_${randomUUID().slice(0, 8)}`;
    // A real failure: the events table is gone, so every insert fails until it is back.
    await db.ch.exec(sql`RENAME TABLE ${db.ch.table('events')} TO ${db.ch.table('events_away')}`);
    const w = writer('writer-ack');
    await w.start();
    try {
      const entries = Array.from({ length: 25 }, (_, i) =>
        entry({ type: 'heartbeat', visitorId: `visitor_ack${String(i).padStart(5, '0')}` }, { siteId }),
      );
      await append(r.redis, r.keys, entries);
      await waitFor(() => w.stats().insertFailures >= 2, 10_000, 'failed inserts');
      expect(await pendingCount(r.redis, r.keys, 'writer')).toBe(25);
      expect(w.stats().written).toBe(0);

      await db.ch.exec(sql`RENAME TABLE ${db.ch.table('events_away')} TO ${db.ch.table('events')}`);
      await waitFor(
        async () => (await pendingCount(r.redis, r.keys, 'writer')) === 0,
        20_000,
        'acks after recovery',
      );
      expect(await countEvents(siteId)).toEqual({ n: 25, ids: 25 });
    } finally {
      await w.stop();
    }
  });

  it('takes over and writes entries a dead consumer read but never acknowledged', async () => {
    const siteId = `site_${randomUUID().slice(0, 8)}`;
    const w0 = writer('writer-group-init');
    await w0.start();
    await w0.stop();
    const entries = Array.from({ length: 40 }, (_, i) =>
      entry({ type: 'page_view', visitorId: `visitor_dead${String(i).padStart(4, '0')}` }, { siteId }),
    );
    await append(r.redis, r.keys, entries);
    // A consumer reads everything and dies before inserting.
    for (const stream of r.keys.eventStreams()) {
      await r.redis.xreadgroup('GROUP', 'writer', 'dead-engine', 'COUNT', 1000, 'STREAMS', stream, '>');
    }
    expect(await pendingCount(r.redis, r.keys, 'writer')).toBe(40);

    const w = writer('writer-alive', { claimIdleMs: 500, claimEveryMs: 300 });
    await w.start();
    try {
      await waitFor(
        async () => (await pendingCount(r.redis, r.keys, 'writer')) === 0,
        20_000,
        'reclaimed entries',
      );
    } finally {
      await w.stop();
    }
    expect(w.stats().claimed).toBe(40);
    expect(await countEvents(siteId)).toEqual({ n: 40, ids: 40 });
  });
});
