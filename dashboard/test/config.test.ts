import { describe, expect, it } from 'vitest';
import { loadDashboardConfig } from '../src/config.ts';

const base = { REDIS_URL: 'redis://127.0.0.1:6390' };

describe('loadDashboardConfig', () => {
  it('applies the documented defaults and generates a session secret outside production', () => {
    const c = loadDashboardConfig(base);
    expect(c).toMatchObject({
      DASHBOARD_HOST: '0.0.0.0',
      DASHBOARD_PORT: 8081,
      LOGIN_RATE_LIMIT: 5,
      COOKIE_SECURE: true,
      sessionSecretGenerated: true,
    });
    expect(c.SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(loadDashboardConfig(base).SESSION_SECRET).not.toBe(c.SESSION_SECRET);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('requires SESSION_SECRET in production and names it', () => {
    expect(() => loadDashboardConfig({ ...base, NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
    const c = loadDashboardConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) });
    expect(c.sessionSecretGenerated).toBe(false);
  });

  it('rejects a short secret, a bad port and a bad public URL, naming each variable', () => {
    try {
      loadDashboardConfig({
        ...base,
        SESSION_SECRET: 'short',
        DASHBOARD_PORT: 'http',
        COLLECTOR_PUBLIC_URL: 'nope',
      });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/SESSION_SECRET/);
      expect(message).toMatch(/DASHBOARD_PORT/);
      expect(message).toMatch(/COLLECTOR_PUBLIC_URL/);
    }
  });

  it('strips trailing slashes from public URLs and parses booleans', () => {
    const c = loadDashboardConfig({
      ...base,
      COLLECTOR_PUBLIC_URL: 'https://collect.shop.example/',
      COOKIE_SECURE: 'false',
      TRUST_PROXY: '1',
      LOGIN_RATE_LIMIT: '3',
    });
    expect(c.COLLECTOR_PUBLIC_URL).toBe('https://collect.shop.example');
    expect(c.COOKIE_SECURE).toBe(false);
    expect(c.TRUST_PROXY).toBe(true);
    expect(c.LOGIN_RATE_LIMIT).toBe(3);
  });

  it('needs both initial admin variables or neither', () => {
    expect(() => loadDashboardConfig({ ...base, INITIAL_ADMIN_EMAIL: 'a@b.example' })).toThrow(
      /INITIAL_ADMIN/,
    );
  });
});
