import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../helpers/collector-app.ts';

let c: TestCollector;
const loader = `(function(){${'/* floorwalker loader */ var x = 1;'.repeat(200)}})();`;
const chunk = 'export const recorder = 1;';
beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(async () => {
  await c?.close();
});

describe('snippet files', () => {
  it('answers 404 with a code while the snippet is not built, without failing at start', async () => {
    const res = await c.app.inject({ method: 'GET', url: '/snippet.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('FW_SNIPPET_NOT_FOUND');
    expect(res.json().error.message).toContain('npm run build');
  });

  it('serves the loader with a short cache, open CORS, gzip and ETag revalidation', async () => {
    writeFileSync(join(c.config.SNIPPET_DIR, 'snippet.js'), loader);
    const res = await c.app.inject({
      method: 'GET',
      url: '/snippet.js',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300, must-revalidate');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.rawPayload).toString()).toBe(loader);

    const plain = await c.app.inject({ method: 'GET', url: '/snippet.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(loader);

    const again = await c.app.inject({
      method: 'GET',
      url: '/snippet.js',
      headers: { 'if-none-match': String(res.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('picks up a rebuilt loader without a restart', async () => {
    writeFileSync(join(c.config.SNIPPET_DIR, 'snippet.js'), 'console.log("v1")');
    const v1 = await c.app.inject({ method: 'GET', url: '/snippet.js' });
    writeFileSync(join(c.config.SNIPPET_DIR, 'snippet.js'), 'console.log("version 2")');
    const v2 = await c.app.inject({ method: 'GET', url: '/snippet.js' });
    expect(v2.body).toBe('console.log("version 2")');
    expect(v2.headers.etag).not.toBe(v1.headers.etag);
  });

  it('serves hashed chunks as immutable and unhashed ones with the short cache', async () => {
    mkdirSync(join(c.config.SNIPPET_DIR, 'chunks'), { recursive: true });
    writeFileSync(join(c.config.SNIPPET_DIR, 'recorder-a1b2c3d4.js'), chunk);
    writeFileSync(join(c.config.SNIPPET_DIR, 'chunks', 'widget.js'), chunk);
    const hashed = await c.app.inject({ method: 'GET', url: '/s/recorder-a1b2c3d4.js' });
    expect(hashed.statusCode).toBe(200);
    expect(hashed.body).toBe(chunk);
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(hashed.headers['access-control-allow-origin']).toBe('*');
    const nested = await c.app.inject({ method: 'GET', url: '/s/chunks/widget.js' });
    expect(nested.statusCode).toBe(200);
    expect(nested.headers['cache-control']).toBe('public, max-age=300, must-revalidate');
  });

  it("serves the loader's sibling parts next to it, as the loader requests them", async () => {
    writeFileSync(join(c.config.SNIPPET_DIR, 'snippet-realtime.js'), chunk);
    const part = await c.app.inject({ method: 'GET', url: '/snippet-realtime.js' });
    expect(part.statusCode).toBe(200);
    expect(part.body).toBe(chunk);
    expect(part.headers['access-control-allow-origin']).toBe('*');
    expect(part.headers['cache-control']).toBe('public, max-age=300, must-revalidate');
    const missing = await c.app.inject({ method: 'GET', url: '/snippet-cobrowse.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('FW_SNIPPET_NOT_FOUND');
    // Other root paths stay plain "no such route".
    const other = await c.app.inject({ method: 'GET', url: '/package.json' });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('FW_HTTP_NOT_FOUND');
  });

  it('refuses paths outside the snippet folder and files that are not assets', async () => {
    writeFileSync(join(c.config.SNIPPET_DIR, '.env'), 'SECRET=1');
    writeFileSync(join(c.config.SNIPPET_DIR, 'notes.txt'), 'internal');
    for (const url of [
      '/s/../package.json',
      '/s/%2e%2e/%2e%2e/package.json',
      '/s/.env',
      '/s/notes.txt',
      '/s/',
      '/s/a//b.js',
    ]) {
      const res = await c.app.inject({ method: 'GET', url });
      expect([400, 404]).toContain(res.statusCode);
      expect(res.json().error.code).toMatch(/^FW_/);
      expect(res.body).not.toContain('SECRET');
    }
  });
});
