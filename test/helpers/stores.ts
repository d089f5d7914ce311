import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ClickHouse,
  type ClickHouseKind,
  connectRedis,
  ident,
  migrate,
  openEmbedded,
  openServer,
  type Redis,
  type RedisKeys,
  redisKeys,
  sql,
} from '@floorwalker/store';
import { inject } from 'vitest';

/** Both ClickHouse engines, for `describe.each(engines)`. */
export const engines: ClickHouseKind[] = ['server', 'embedded'];

export function testName(): string {
  return `test_${randomUUID().replaceAll('-', '')}`;
}

export interface TestClickHouse {
  ch: ClickHouse;
  /** Drops the test database and closes the connection. */
  cleanup(): Promise<void>;
}

/**
 * Opens a fresh database on the chosen engine: the private 18.16 server started by the
 * global setup, or embedded chDB in a temp folder (shared by the tests of one file).
 */
export async function openTestClickHouse(
  kind: ClickHouseKind,
  options: { migrate?: boolean } = {},
): Promise<TestClickHouse> {
  const database = testName();
  const ch =
    kind === 'server'
      ? await openServer({ url: inject('clickhouseUrl'), database })
      : await openEmbedded({ path: embeddedPath(), database });
  if (options.migrate !== false) await migrate(ch);
  return {
    ch,
    async cleanup() {
      await ch.exec(sql`DROP DATABASE IF EXISTS ${ident(database)}`).catch(() => undefined);
      await ch.close();
    },
  };
}

let embeddedDir: string | undefined;
function embeddedPath(): string {
  embeddedDir ??= mkdtempSync(join(inject('tempRoot'), 'chdb-'));
  return embeddedDir;
}

export interface TestRedis {
  redis: Redis;
  keys: RedisKeys;
  url: string;
  /** Deletes every key under the test prefix and disconnects. */
  cleanup(): Promise<void>;
}

/** Connects to the private test Redis with a random key prefix. */
export async function openTestRedis(partitions = 4): Promise<TestRedis> {
  const url = inject('redisUrl');
  const redis = connectRedis(url, { name: 'test' });
  const keys = redisKeys(testName(), partitions);
  return {
    redis,
    keys,
    url,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${keys.prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (found.length) await redis.del(...found);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
