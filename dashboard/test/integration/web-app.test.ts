import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestDashboard, type TestDashboard } from '../helpers/test-dashboard.ts';

describe('serving the web app', () => {
  let built: TestDashboard;
  let unbuilt: TestDashboard;
  beforeAll(async () => {
    const dist = mkdtempSync(join(inject('tempRoot'), 'dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(
      join(dist, 'index.html'),
      '<!doctype html><div id="root"></div><script src="/assets/app-1.js"></script>',
    );
    writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log(1)');
    built = await startTestDashboard('server', {}, { distDir: dist });
    unbuilt = await startTestDashboard('server');
  });
  afterAll(async () => {
    await built?.close();
    await unbuilt?.close();
  });

  it('serves index.html for app routes and hashed assets with long caching', async () => {
    for (const url of ['/', '/settings', '/chats/42?tab=open']) {
      const res = await built.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    const asset = await built.app.inject({ method: 'GET', url: '/assets/app-1.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('answers JSON 404 for unknown API routes and missing files', async () => {
    const api = await built.app.inject({ method: 'GET', url: '/api/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('FW_NOT_FOUND');
    expect((await built.app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
  });

  it('shows a 503 page that says how to build when the app is not built', async () => {
    const res = await unbuilt.app.inject({ method: 'GET', url: '/settings' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('npm run build -w @floorwalker/dashboard');
    // The API still works.
    expect((await unbuilt.app.inject({ method: 'GET', url: '/api/health' })).json()).toEqual({
      ok: true,
      clickhouse: true,
      redis: true,
    });
  });
});
