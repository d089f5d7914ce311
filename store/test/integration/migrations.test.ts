import { migrate, migrations, sql } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestClickHouse, type TestClickHouse } from '../../../test/helpers/stores.ts';

describe.each(engines)('migrations on %s ClickHouse', (kind) => {
  let t: TestClickHouse;
  beforeAll(async () => {
    t = await openTestClickHouse(kind, { migrate: false });
  });
  afterAll(() => t.cleanup());

  it('applies every migration once and records it', async () => {
    const first = await migrate(t.ch);
    expect(first.applied).toEqual(migrations.map((m) => m.version));
    const second = await migrate(t.ch);
    expect(second.applied).toEqual([]);
    expect(second.current).toBe(first.current);
    const recorded = await t.ch.query<{ version: number }>(
      sql`SELECT version FROM ${t.ch.table('schema_migrations')} FINAL ORDER BY version`,
    );
    expect(recorded.map((r) => Number(r.version))).toEqual(migrations.map((m) => m.version));
  });

  it('creates the tables of the first schema', async () => {
    const rows = await t.ch.query<{ name: string }>(
      sql`SELECT name FROM system.tables WHERE database = ${t.ch.database} ORDER BY name`,
    );
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(['sites', 'users', 'events', 'events_per_minute', 'events_per_minute_mv']),
    );
  });

  it('rolls events up per minute through the materialized view', async () => {
    const base = {
      site_id: 's1',
      day: '2026-11-22',
      received_at: 1795000000,
      name: '',
      session_id: 'se',
      url: '',
      path: '/',
      title: '',
      referrer: '',
      utm_source: '',
      utm_medium: '',
      utm_campaign: '',
      utm_term: '',
      utm_content: '',
      device: 'desktop',
      browser: 'Chrome',
      os: 'Linux',
      country: 'DE',
      language: 'de',
      screen: '',
      is_bot: 0,
      engaged_ms: 0,
      scroll_depth: 0,
      value: 0,
      currency: '',
      order_id: '',
      sku: '',
      quantity: 0,
      props: '{}',
    };
    await t.ch.insert('events', [
      {
        ...base,
        ts: 1795000000,
        ts_ms: 1795000000000,
        event: 'page_view',
        event_id: 'e1',
        visitor_id: 'v1',
        page_view_id: 'p1',
      },
      {
        ...base,
        ts: 1795000010,
        ts_ms: 1795000010000,
        event: 'page_view',
        event_id: 'e2',
        visitor_id: 'v2',
        page_view_id: 'p2',
      },
      {
        ...base,
        ts: 1795000015,
        ts_ms: 1795000015000,
        event: 'add_to_cart',
        event_id: 'e3',
        visitor_id: 'v2',
        page_view_id: 'p2',
      },
      {
        ...base,
        ts: 1795000015,
        ts_ms: 1795000015000,
        event: 'page_view',
        event_id: 'e4',
        visitor_id: 'bot',
        page_view_id: 'p3',
        is_bot: 1,
      },
    ]);
    const rows = await t.ch.query<{
      minute: number;
      page_views: number;
      events: number;
      visitors: number;
    }>(sql`
      SELECT toUnixTimestamp(minute) AS minute, sumMerge(page_views) AS page_views,
             countMerge(events) AS events, uniqMerge(visitors) AS visitors
      FROM ${t.ch.table('events_per_minute')} WHERE site_id = ${'s1'} GROUP BY minute ORDER BY minute`);
    expect(rows).toEqual([{ minute: 1794999960, page_views: 2, events: 3, visitors: 2 }]);
  });

  it('reads configuration rows at their latest version with argMax', async () => {
    const site = (version: number, name: string) => ({
      site_id: 'shop',
      version,
      name,
      allowed_origins: ['https://shop.example'],
      timezone: 'Europe/Berlin',
      respect_privacy_signals: 0,
      settings: '{}',
      deleted: 0,
      updated_by: 'u',
      updated_at: 1795000000 + version,
    });
    await t.ch.insert('sites', [site(1, 'Old name'), site(2, 'New name')]);
    const rows = await t.ch.query<{ name: string }>(
      sql`SELECT argMax(name, version) AS name FROM ${t.ch.table('sites')} WHERE site_id = ${'shop'} GROUP BY site_id`,
    );
    expect(rows).toEqual([{ name: 'New name' }]);
  });
});
