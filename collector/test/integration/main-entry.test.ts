import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { siteRegistry } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/lib/free-port.ts';
import { openTestRedis, type TestRedis } from '../../../test/helpers/stores.ts';
import { makeSite, pageView, randomId } from '../helpers/collector-app.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let redis: TestRedis;
beforeAll(async () => {
  redis = await openTestRedis();
});
afterAll(async () => {
  await redis?.cleanup();
});

/** Resolves with the first stdout line matching `pattern` (pino JSON logs). */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`no line matching ${pattern} in:\n${buffer}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
  });
}

describe('collector main entry', () => {
  it('serves events over a real socket and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'collector/src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.keys.prefix,
        COLLECTOR_HOST: '127.0.0.1',
        COLLECTOR_PORT: String(port),
        GEOIP_ENABLED: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await waitForLine(child, /Server listening/);
      const site = makeSite({ allowedOrigins: ['https://shop.example'] });
      await siteRegistry(redis.redis, redis.keys).publish(site);
      const event = pageView({ visitorId: randomId('visitor') });
      const res = await fetch(`http://127.0.0.1:${port}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' },
        body: JSON.stringify({ site: site.siteId, sentAt: Date.now(), events: [event] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
      const stream = redis.keys.eventStream(redis.keys.partitionOf(event.visitorId));
      expect(await redis.redis.xlen(stream)).toBe(1);

      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses to start with a bad variable and names it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'collector/src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, REDIS_URL: redis.url, COLLECTOR_PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).not.toBe(0);
    expect(stderr).toContain('COLLECTOR_PORT');
  });
});
