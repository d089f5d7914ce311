import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startClickHouseServer } from '../scripts/lib/clickhouse-server.ts';
import { startRedisServer } from '../scripts/lib/redis-server.ts';

/**
 * Starts a private ClickHouse server (Debian's 18.16) and a private Redis on free ports in a
 * temporary folder for the integration and browser projects, and removes both afterwards.
 */
export default async function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'floorwalker-test-'));
  const [clickhouse, redis] = await Promise.all([
    startClickHouseServer({ dataDir: join(root, 'clickhouse') }),
    startRedisServer({ dataDir: join(root, 'redis'), appendOnly: false }),
  ]);
  project.provide('clickhouseUrl', clickhouse.url);
  project.provide('clickhouseDataDir', clickhouse.dataDir);
  project.provide('redisUrl', redis.url);
  project.provide('tempRoot', root);
  return async () => {
    await Promise.all([clickhouse.stop(), redis.stop()]);
    rmSync(root, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
    clickhouseDataDir: string;
    redisUrl: string;
    tempRoot: string;
  }
}
