import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/helpers/stores.ts';
import { ADMIN, startTestDashboard, type TestDashboard } from '../helpers/test-dashboard.ts';

describe.each(engines)('dashboard auth on %s ClickHouse', (kind) => {
  let t: TestDashboard;
  beforeAll(async () => {
    t = await startTestDashboard(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('logs in with the right password and sets a secure http-only session cookie', async () => {
    const c = t.client();
    const res = await c.login(ADMIN.email.toUpperCase(), ADMIN.password);
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ email: ADMIN.email, role: 'admin', userId: t.admin.userId });
    expect(res.json().user.passwordHash).toBeUndefined();
    const cookies = res.cookies as {
      name: string;
      httpOnly?: boolean;
      secure?: boolean;
      sameSite?: string;
    }[];
    const session = cookies.find((x) => x.name === 'fw_session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
    const csrf = cookies.find((x) => x.name === 'fw_csrf');
    expect(csrf?.httpOnly).toBeFalsy();
    const me = await c.request('GET', '/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(ADMIN.email);
    expect(me.json().sites).toEqual([]);
  });

  it('stores sessions in Redis with an expiry so other dashboard nodes share them', async () => {
    const c = t.client();
    await c.login(ADMIN.email, ADMIN.password);
    const keys = await t.redis.redis.keys(t.redis.keys.key('session', '*'));
    expect(keys.length).toBeGreaterThan(0);
    const ttl = await t.redis.redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(t.config.SESSION_TTL_SECONDS);
    // A second node with the same secret and Redis accepts the cookie.
    const { buildDashboard } = await import('../../src/server/build-dashboard.ts');
    const other = await buildDashboard({
      config: t.config,
      ch: t.db.ch,
      redis: t.redis.redis,
      keys: t.redis.keys,
      logger: false,
    });
    try {
      const res = await other.inject({
        method: 'GET',
        url: '/api/me',
        headers: { cookie: `fw_session=${c.cookies.get('fw_session')}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.userId).toBe(t.admin.userId);
    } finally {
      await other.close();
    }
  });

  it('answers 401 FW_AUTH_INVALID for a wrong password and for an unknown address alike', async () => {
    const c = t.client();
    c.remoteAddress = '198.51.100.1';
    const wrong = await c.login(ADMIN.email, 'not-the-password');
    const unknown = await c.login('nobody@shop.test', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('FW_AUTH_INVALID');
    expect(c.cookies.has('fw_session')).toBe(false);
  });

  it('refuses the 6th rapid wrong attempt for one IP and address with 429, even with the right password', async () => {
    const c = t.client();
    c.remoteAddress = '198.51.100.2';
    for (let i = 0; i < 5; i++) {
      const res = await c.login(ADMIN.email, `wrong-${i}`);
      expect(res.statusCode).toBe(401);
    }
    const sixth = await c.login(ADMIN.email, 'wrong-6');
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error.code).toBe('FW_AUTH_RATE_LIMITED');
    expect((await c.login(ADMIN.email, ADMIN.password)).statusCode).toBe(429);
    // Another IP is not affected.
    const other = t.client();
    other.remoteAddress = '198.51.100.3';
    expect((await other.login(ADMIN.email, ADMIN.password)).statusCode).toBe(200);
  });

  it('rejects state-changing requests without the CSRF header, with a foreign token or from another origin', async () => {
    const c = t.client();
    await c.login(ADMIN.email, ADMIN.password);
    const missing = await c.request('POST', '/api/sites', { name: 'Shop' }, { csrf: false });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error).toMatchObject({ code: 'FW_CSRF', statusCode: 403 });
    const forged = await c.request(
      'POST',
      '/api/sites',
      { name: 'Shop' },
      {
        csrf: false,
        headers: { 'x-csrf-token': 'abc.def' },
      },
    );
    expect(forged.json().error.code).toBe('FW_CSRF');
    const foreign = await c.request(
      'POST',
      '/api/sites',
      { name: 'Shop' },
      {
        headers: { origin: 'https://evil.example' },
      },
    );
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('FW_CSRF');
    const logout = await c.request('POST', '/api/auth/logout', undefined, { csrf: false });
    expect(logout.statusCode).toBe(403);
    // Same request with the header and same-origin passes.
    const ok = await c.request(
      'POST',
      '/api/sites',
      { name: 'Shop' },
      { headers: { origin: 'http://localhost:80' } },
    );
    expect(ok.statusCode).toBe(201);
  });

  it('requires a session for the API and ends it at logout', async () => {
    const anonymous = t.client();
    const res = await anonymous.request('GET', '/api/me');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('FW_AUTH_REQUIRED');
    const c = t.client();
    await c.login(ADMIN.email, ADMIN.password);
    const cookie = c.cookies.get('fw_session');
    expect((await c.request('POST', '/api/auth/logout')).statusCode).toBe(204);
    expect(c.cookies.has('fw_session')).toBe(false);
    c.cookies.set('fw_session', cookie!);
    expect((await c.request('GET', '/api/me')).statusCode).toBe(401);
  });

  it('rejects a tampered session cookie', async () => {
    const c = t.client();
    await c.login(ADMIN.email, ADMIN.password);
    const value = c.cookies.get('fw_session')!;
    c.cookies.set('fw_session', `${value.slice(0, -2)}xx`);
    expect((await c.request('GET', '/api/me')).statusCode).toBe(401);
  });

  it('answers 400 with issue paths for a malformed login body and for bad JSON', async () => {
    const c = t.client();
    const res = await c.request('POST', '/api/auth/login', { email: 42 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('FW_BAD_REQUEST');
    const paths = res.json().error.issues.map((i: { path: string[] }) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['email', 'password']));
    const bad = await c.request('POST', '/api/auth/login', '{"email":', {
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('FW_BAD_REQUEST');
    const metrics = await c.request('GET', '/metrics');
    expect(metrics.body).toMatch(/fw_dashboard_http_errors_total\{code="FW_BAD_REQUEST"\} [1-9]/);
  });

  it('lets a user change their own password after proving the current one', async () => {
    await t.seedUser('agent', 'changer@shop.test', 'first-password-1');
    const c = t.client();
    await c.login('changer@shop.test', 'first-password-1');
    const wrong = await c.request('POST', '/api/me/password', {
      currentPassword: 'nope-nope-nope',
      newPassword: 'second-password-2',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.issues[0].path).toEqual(['currentPassword']);
    const ok = await c.request('POST', '/api/me/password', {
      currentPassword: 'first-password-1',
      newPassword: 'second-password-2',
    });
    expect(ok.statusCode).toBe(204);
    expect((await c.request('GET', '/api/me')).statusCode).toBe(200);
    expect((await t.client().login('changer@shop.test', 'first-password-1')).statusCode).toBe(401);
    expect((await t.client().login('changer@shop.test', 'second-password-2')).statusCode).toBe(200);
  });
});
