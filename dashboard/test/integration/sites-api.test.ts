import { siteRegistry, sitesRepository } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/helpers/stores.ts';
import { ADMIN, startTestDashboard, type TestClient, type TestDashboard } from '../helpers/test-dashboard.ts';

describe.each(engines)('sites API on %s ClickHouse', (kind) => {
  let t: TestDashboard;
  let admin: TestClient;
  beforeAll(async () => {
    t = await startTestDashboard(kind);
    admin = t.client();
    expect((await admin.login(ADMIN.email, ADMIN.password)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates, updates and deletes a site, and the collector registry in Redis follows every save', async () => {
    const registry = siteRegistry(t.redis.redis, t.redis.keys);
    const created = await admin.request('POST', '/api/sites', {
      name: 'Garden Shop',
      allowedOrigins: ['https://garden.example/', 'https://www.garden.example'],
      timezone: 'Europe/Berlin',
      respectPrivacySignals: false,
    });
    expect(created.statusCode).toBe(201);
    const site = created.json().site;
    expect(site).toMatchObject({
      name: 'Garden Shop',
      allowedOrigins: ['https://garden.example', 'https://www.garden.example'],
      timezone: 'Europe/Berlin',
      respectPrivacySignals: false,
    });
    expect(site.siteId).toMatch(/^site_/);
    expect(site.snippet).toBe(
      '<script>window.floorwalker=window.floorwalker||function(){(floorwalker.q=floorwalker.q||[]).push(arguments)};</script>' +
        `<script async src="https://collect.shop.test/snippet.js" data-site="${site.siteId}"></script>`,
    );
    expect(await registry.get(site.siteId)).toMatchObject({ name: 'Garden Shop', timezone: 'Europe/Berlin' });

    const updated = await admin.request('PATCH', `/api/sites/${site.siteId}`, { name: 'Garden & Home' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().site).toMatchObject({ name: 'Garden & Home', timezone: 'Europe/Berlin' });
    expect((await registry.get(site.siteId))?.name).toBe('Garden & Home');
    expect((await sitesRepository(t.db.ch).get(site.siteId))?.name).toBe('Garden & Home');

    const list = await admin.request('GET', '/api/sites');
    expect(list.json().sites.map((s: { siteId: string }) => s.siteId)).toContain(site.siteId);

    expect((await admin.request('DELETE', `/api/sites/${site.siteId}`)).statusCode).toBe(204);
    expect(await registry.get(site.siteId)).toBeUndefined();
    expect((await admin.request('GET', `/api/sites/${site.siteId}`)).statusCode).toBe(404);
    expect((await admin.request('DELETE', `/api/sites/${site.siteId}`)).statusCode).toBe(404);
  });

  it('rejects origins with paths, unknown time zones and unknown fields with 400 and their paths', async () => {
    const res = await admin.request('POST', '/api/sites', {
      name: '',
      allowedOrigins: ['https://ok.example', 'https://shop.example/checkout', 'ftp://files.example', 'nope'],
      timezone: 'Mars/Olympus_Mons',
      colour: 'red',
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.issues.map((i: { path: (string | number)[] }) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'name',
        'allowedOrigins.1',
        'allowedOrigins.2',
        'allowedOrigins.3',
        'timezone',
      ]),
    );
    expect(paths).not.toContain('allowedOrigins.0');
    expect(res.json().error.issues.some((i: { message: string }) => /colour/.test(i.message))).toBe(true);
  });

  it('accepts a time zone in any case and stores its canonical name', async () => {
    const res = await admin.request('POST', '/api/sites', { name: 'Tokyo', timezone: 'asia/tokyo' });
    expect(res.statusCode).toBe(201);
    expect(res.json().site.timezone).toBe('Asia/Tokyo');
    expect(res.json().site.respectPrivacySignals).toBe(true);
  });

  it('lets only admins change sites and shows other roles only their own sites', async () => {
    const a = (await admin.request('POST', '/api/sites', { name: 'Alpha' })).json().site;
    const b = (await admin.request('POST', '/api/sites', { name: 'Beta' })).json().site;
    await t.seedUser('agent', 'agent-sites@shop.test', 'agent-password-1', [a.siteId]);
    const agent = t.client();
    expect((await agent.login('agent-sites@shop.test', 'agent-password-1')).statusCode).toBe(200);

    const create = await agent.request('POST', '/api/sites', { name: 'Mine now' });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.code).toBe('FW_FORBIDDEN');
    expect((await agent.request('PATCH', `/api/sites/${a.siteId}`, { name: 'x' })).statusCode).toBe(403);
    expect((await agent.request('DELETE', `/api/sites/${a.siteId}`)).statusCode).toBe(403);

    const visible = (await agent.request('GET', '/api/sites'))
      .json()
      .sites.map((s: { siteId: string }) => s.siteId);
    expect(visible).toEqual([a.siteId]);
    const me = (await agent.request('GET', '/api/me')).json();
    expect(me.sites.map((s: { siteId: string }) => s.siteId)).toEqual([a.siteId]);
    expect((await agent.request('GET', `/api/sites/${b.siteId}`)).statusCode).toBe(404);
    expect((await agent.request('GET', `/api/sites/${a.siteId}`)).statusCode).toBe(200);

    const all = (await admin.request('GET', '/api/sites'))
      .json()
      .sites.map((s: { siteId: string }) => s.siteId);
    expect(all).toEqual(expect.arrayContaining([a.siteId, b.siteId]));
  });
});
