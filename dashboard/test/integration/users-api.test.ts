import { sql, usersRepository } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/helpers/stores.ts';
import { ADMIN, startTestDashboard, type TestClient, type TestDashboard } from '../helpers/test-dashboard.ts';

describe.each(engines)('users API on %s ClickHouse', (kind) => {
  let t: TestDashboard;
  let admin: TestClient;
  let siteId: string;
  beforeAll(async () => {
    t = await startTestDashboard(kind);
    admin = t.client();
    expect((await admin.login(ADMIN.email, ADMIN.password)).statusCode).toBe(200);
    siteId = (await admin.request('POST', '/api/sites', { name: 'Shop' })).json().site.siteId;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a user who can then log in, and never returns the password hash', async () => {
    const res = await admin.request('POST', '/api/users', {
      email: ' Ana@Shop.Test ',
      name: 'Ana',
      role: 'agent',
      password: 'ana-password-1',
      siteIds: [siteId],
      teams: ['billing', 'billing', 'de'],
      maxChats: 4,
    });
    expect(res.statusCode).toBe(201);
    const user = res.json().user;
    expect(user).toMatchObject({
      email: 'ana@shop.test',
      role: 'agent',
      siteIds: [siteId],
      teams: ['billing', 'de'],
    });
    expect(user.maxChats).toBe(4);
    expect(JSON.stringify(res.json())).not.toMatch(/scrypt/);
    const list = (await admin.request('GET', '/api/users')).json().users;
    expect(list.map((u: { email: string }) => u.email)).toEqual(
      expect.arrayContaining([ADMIN.email, 'ana@shop.test']),
    );
    expect(JSON.stringify(list)).not.toMatch(/passwordHash|scrypt/);
    const ana = t.client();
    const login = await ana.login('ana@shop.test', 'ana-password-1');
    expect(login.statusCode).toBe(200);
    expect(login.json().sites.map((s: { siteId: string }) => s.siteId)).toEqual([siteId]);
  });

  it('refuses a duplicate e-mail address, unknown sites and a short password', async () => {
    const dup = await admin.request('POST', '/api/users', {
      email: ADMIN.email.toUpperCase(),
      name: 'Dup',
      role: 'agent',
      password: 'dup-password-1',
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('FW_USER_EMAIL_TAKEN');
    const bad = await admin.request('POST', '/api/users', {
      email: 'x@shop.test',
      name: 'X',
      role: 'agent',
      password: 'x-password-1',
      siteIds: [siteId, 'site_missing'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toEqual(['siteIds', 1]);
    const short = await admin.request('POST', '/api/users', {
      email: 'y@shop.test',
      name: 'Y',
      role: 'wizard',
      password: 'short',
    });
    expect(short.statusCode).toBe(400);
    const paths = short.json().error.issues.map((i: { path: string[] }) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['role', 'password']));
  });

  it("updates role and sites, and a password reset ends the user's sessions", async () => {
    const created = (
      await admin.request('POST', '/api/users', {
        email: 'ben@shop.test',
        name: 'Ben',
        role: 'agent',
        password: 'ben-password-1',
      })
    ).json().user;
    const ben = t.client();
    expect((await ben.login('ben@shop.test', 'ben-password-1')).statusCode).toBe(200);
    expect((await ben.request('GET', '/api/sites')).json().sites).toEqual([]);

    const updated = await admin.request('PATCH', `/api/users/${created.userId}`, {
      role: 'manager',
      siteIds: [siteId],
      name: 'Ben B.',
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().user).toMatchObject({ role: 'manager', siteIds: [siteId], name: 'Ben B.' });
    // The role applies to the running session at once.
    const me = (await ben.request('GET', '/api/me')).json();
    expect(me.user.role).toBe('manager');
    expect(me.sites.map((s: { siteId: string }) => s.siteId)).toEqual([siteId]);

    const reset = await admin.request('PATCH', `/api/users/${created.userId}`, {
      password: 'ben-password-2',
    });
    expect(reset.statusCode).toBe(200);
    expect((await ben.request('GET', '/api/me')).statusCode).toBe(401);
    expect((await t.client().login('ben@shop.test', 'ben-password-1')).statusCode).toBe(401);
    expect((await t.client().login('ben@shop.test', 'ben-password-2')).statusCode).toBe(200);
    // The admin's own session survives.
    expect((await admin.request('GET', '/api/me')).statusCode).toBe(200);
  });

  it('soft-deletes a user: their login fails, their sessions end, the history stays', async () => {
    const created = (
      await admin.request('POST', '/api/users', {
        email: 'cy@shop.test',
        name: 'Cy',
        role: 'marketer',
        password: 'cy-password-1',
      })
    ).json().user;
    const cy = t.client();
    expect((await cy.login('cy@shop.test', 'cy-password-1')).statusCode).toBe(200);
    expect((await admin.request('DELETE', `/api/users/${created.userId}`)).statusCode).toBe(204);
    expect((await cy.request('GET', '/api/me')).statusCode).toBe(401);
    expect((await t.client().login('cy@shop.test', 'cy-password-1')).statusCode).toBe(401);
    expect((await admin.request('GET', `/api/users/${created.userId}`)).statusCode).toBe(404);
    const rows = await t.db.ch.query<{ n: number }>(
      sql`SELECT count() AS n FROM ${t.db.ch.table('users')} WHERE user_id = ${created.userId}`,
    );
    expect(Number(rows[0]?.n)).toBe(2);
    // The address is free again.
    const again = await admin.request('POST', '/api/users', {
      email: 'cy@shop.test',
      name: 'Cy 2',
      role: 'marketer',
      password: 'cy-password-2',
    });
    expect(again.statusCode).toBe(201);
    expect((await usersRepository(t.db.ch).getByEmail('CY@shop.test'))?.name).toBe('Cy 2');
  });

  it('refuses to delete yourself and to demote or delete the last admin', async () => {
    const self = await admin.request('DELETE', `/api/users/${t.admin.userId}`);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('FW_USER_SELF_DELETE');
    const demote = await admin.request('PATCH', `/api/users/${t.admin.userId}`, { role: 'manager' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('FW_LAST_ADMIN');

    const second = (
      await admin.request('POST', '/api/users', {
        email: 'root2@shop.test',
        name: 'Second admin',
        role: 'admin',
        password: 'root2-password',
      })
    ).json().user;
    const other = t.client();
    expect((await other.login('root2@shop.test', 'root2-password')).statusCode).toBe(200);
    // With two admins, the first may step down; then the second is the last one.
    expect(
      (await admin.request('PATCH', `/api/users/${t.admin.userId}`, { role: 'manager' })).statusCode,
    ).toBe(200);
    const last = await other.request('PATCH', `/api/users/${second.userId}`, { role: 'agent' });
    expect(last.json().error.code).toBe('FW_LAST_ADMIN');
    // The former admin lost admin rights immediately.
    expect((await admin.request('GET', '/api/users')).statusCode).toBe(403);
    expect((await other.request('PATCH', `/api/users/${t.admin.userId}`, { role: 'admin' })).statusCode).toBe(
      200,
    );
  });

  it('keeps the users API from every role but admin', async () => {
    await t.seedUser('manager', 'mgr@shop.test', 'mgr-password-1');
    const mgr = t.client();
    expect((await mgr.login('mgr@shop.test', 'mgr-password-1')).statusCode).toBe(200);
    const list = await mgr.request('GET', '/api/users');
    expect(list.statusCode).toBe(403);
    expect(list.json().error).toMatchObject({ code: 'FW_FORBIDDEN', statusCode: 403 });
    const create = await mgr.request('POST', '/api/users', {
      email: 'z@shop.test',
      name: 'Z',
      role: 'admin',
      password: 'z-password-12',
    });
    expect(create.statusCode).toBe(403);
  });
});
