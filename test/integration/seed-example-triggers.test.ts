import { randomUUID } from 'node:crypto';
import { triggerDraft, type VisitorState, visitorState } from '@floorwalker/protocol';
import { evaluateRule, sitesRepository, sql, triggersRepository } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoSite } from '../../scripts/seed/demo-site.ts';
import {
  EXAMPLE_TRIGGERS,
  exampleTriggersHook,
  seedExampleTriggers,
} from '../../scripts/seed/example-triggers.ts';
import { seedHooks } from '../../scripts/seed/hooks.ts';
import {
  engines,
  openTestClickHouse,
  openTestRedis,
  type TestClickHouse,
  type TestRedis,
} from '../helpers/stores.ts';

const NAMES = EXAMPLE_TRIGGERS.map((t) => t.name).sort();

describe.each(engines)('example triggers seeded for the demo shop (%s ClickHouse)', (kind) => {
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

  const newSite = () =>
    seedDemoSite({
      ch: db.ch,
      redis: r.redis,
      keys: r.keys,
      siteId: `demo_${randomUUID().slice(0, 8)}`,
      allowedOrigins: ['http://127.0.0.1:8082'],
    });
  const versionRows = async (siteId: string) => {
    const [row] = await db.ch.query<{ n: number }>(
      sql`SELECT count() AS n FROM ${db.ch.table('triggers')} WHERE site_id = ${siteId}`,
    );
    return Number(row?.n);
  };

  it('is one of the seed hooks npm start runs', () => {
    expect(seedHooks).toContain(exampleTriggersHook);
  });

  it('creates the examples once with the demo site, enabled, and tells the engines', async () => {
    const changes = r.redis.duplicate();
    const published: string[] = [];
    await changes.subscribe(r.keys.key('triggers', 'changed'));
    changes.on('message', (_channel, siteId: string) => published.push(siteId));
    try {
      const { site, created } = await newSite();
      expect(created).toBe(true);
      const siteId = site?.siteId ?? '';
      const triggers = await triggersRepository(db.ch).list(siteId);
      expect(triggers.map((t) => t.name).sort()).toEqual(NAMES);
      expect(NAMES.length).toBeGreaterThanOrEqual(2);
      for (const t of triggers) {
        expect(t).toMatchObject({ version: 1, author: 'seed', availability: { type: 'any_agent' } });
        expect(t.controls.status).toBe('enabled');
        expect(t.controls.holdoutPercent).toBe(10);
        expect(t.controls.budget.maxPerSession).toBe(1);
      }
      // Highest priority first: exit intent, then checkout, then product.
      expect(triggers.map((t) => t.name)).toEqual([
        'Exit intent with items in cart',
        'Checkout hesitation',
        'Returning visitor studying a product',
      ]);
      await expect.poll(() => published).toContain(siteId);
    } finally {
      changes.disconnect();
    }
  });

  it('adds nothing when it runs again, also through a second npm start', async () => {
    const { site } = await newSite();
    if (!site) throw new Error('no site');
    const before = await versionRows(site.siteId);
    expect(before).toBe(EXAMPLE_TRIGGERS.length);

    const again = await seedExampleTriggers({ ch: db.ch, redis: r.redis, keys: r.keys, site, by: 'seed' });
    expect(again).toEqual({ created: [], skipped: EXAMPLE_TRIGGERS.map((t) => t.name) });
    const restart = await seedDemoSite({
      ch: db.ch,
      redis: r.redis,
      keys: r.keys,
      siteId: site.siteId,
      allowedOrigins: ['http://127.0.0.1:8082'],
    });
    expect(restart.created).toBe(false);
    expect(await versionRows(site.siteId)).toBe(before);
  });

  it('never recreates an example staff renamed or deleted', async () => {
    const { site } = await newSite();
    if (!site) throw new Error('no site');
    const repo = triggersRepository(db.ch);
    const [first, second, third] = await repo.list(site.siteId);
    if (!first || !second || !third) throw new Error('examples missing');
    await repo.save({
      siteId: site.siteId,
      triggerId: first.id,
      rule: { ...first, name: 'Exit intent (our wording)' },
      author: 'marketer_1',
    });
    await repo.remove(site.siteId, second.id, 'marketer_1');

    const result = await seedExampleTriggers({ ch: db.ch, redis: r.redis, keys: r.keys, site, by: 'seed' });
    expect(result.created).toEqual([]);
    const names = (await repo.list(site.siteId)).map((t) => t.name).sort();
    expect(names).toEqual(['Exit intent (our wording)', third.name].sort());
  });

  it('completes a seed that stopped half-way', async () => {
    const siteId = `demo_${randomUUID().slice(0, 8)}`;
    const site = await sitesRepository(db.ch).save(
      { siteId, name: 'Demo shop', allowedOrigins: [], timezone: 'UTC', respectPrivacySignals: true },
      'seed',
    );
    const [done, ...rest] = EXAMPLE_TRIGGERS;
    if (!done) throw new Error('no examples');
    // What a seed that died after its first example left behind.
    await triggersRepository(db.ch).save({ siteId, rule: done, author: 'seed' });

    const result = await seedExampleTriggers({ ch: db.ch, redis: r.redis, keys: r.keys, site, by: 'seed' });
    expect(result).toEqual({ created: rest.map((t) => t.name), skipped: [done.name] });
    expect((await triggersRepository(db.ch).list(siteId)).map((t) => t.name).sort()).toEqual(NAMES);
  });

  it('invites the situations it is named after, and not others', () => {
    const byName = new Map(EXAMPLE_TRIGGERS.map((t) => [t.name, t]));
    const now = Date.UTC(2026, 0, 14, 11, 0, 0);
    const state = (over: {
      path: string;
      onPageS: number;
      cartValue?: number;
      cartItems?: number;
      visits?: number;
      exitIntentAgoS?: number;
    }): VisitorState =>
      visitorState.parse({
        siteId: 'demo',
        visitorId: 'v_example',
        sessionId: 's_example',
        status: 'browsing',
        presence: 'online',
        currentPage: {
          pageViewId: 'pv_example',
          url: `http://127.0.0.1:8082${over.path}`,
          path: over.path,
          title: 'Page',
          enteredAt: now - over.onPageS * 1000,
        },
        sessionStartedAt: now - 600_000,
        lastActivityAt: now,
        lastSeenAt: now,
        pagesThisSession: 4,
        visitCount: over.visits ?? 1,
        returning: (over.visits ?? 1) > 1,
        referrer: '',
        utm: { source: '', medium: '', campaign: '', term: '', content: '' },
        device: 'desktop',
        browser: 'Chrome',
        os: 'Linux',
        country: 'DE',
        language: 'en-GB',
        cart: { value: over.cartValue ?? 0, currency: 'EUR', items: over.cartItems ?? 0 },
        scrollDepth: 0,
        engagedMs: 60_000,
        tabs: 1,
        identified: {},
        recentEvents: [],
        purchased: false,
        ...(over.exitIntentAgoS === undefined ? {} : { exitIntentAt: now - over.exitIntentAgoS * 1000 }),
      });
    const matches = (name: string, s: VisitorState) => {
      const draft = byName.get(name);
      if (!draft) throw new Error(name);
      return evaluateRule(triggerDraft.parse(draft), { state: s, now, timezone: 'Europe/Berlin' }).matches;
    };

    const checkout = 'Checkout hesitation';
    expect(matches(checkout, state({ path: '/checkout', onPageS: 61, cartValue: 84, cartItems: 1 }))).toBe(
      true,
    );
    expect(matches(checkout, state({ path: '/checkout', onPageS: 30, cartValue: 84, cartItems: 1 }))).toBe(
      false,
    );
    expect(matches(checkout, state({ path: '/checkout', onPageS: 61 }))).toBe(false);

    const product = 'Returning visitor studying a product';
    expect(matches(product, state({ path: '/product/french-press', onPageS: 50, visits: 3 }))).toBe(true);
    expect(matches(product, state({ path: '/product/french-press', onPageS: 50, visits: 1 }))).toBe(false);
    expect(matches(product, state({ path: '/category/kitchen', onPageS: 50, visits: 3 }))).toBe(false);

    const exit = 'Exit intent with items in cart';
    expect(
      matches(exit, state({ path: '/cart', onPageS: 5, cartItems: 2, cartValue: 40, exitIntentAgoS: 1 })),
    ).toBe(true);
    expect(matches(exit, state({ path: '/cart', onPageS: 5, exitIntentAgoS: 1 }))).toBe(false);
    expect(
      matches(
        exit,
        state({ path: '/thank-you', onPageS: 5, cartItems: 2, cartValue: 40, exitIntentAgoS: 1 }),
      ),
    ).toBe(false);
  });
});
