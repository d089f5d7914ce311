import { describe, expect, it } from 'vitest';
import {
  ensureRedisServer,
  findExecutable,
  MissingRedisError,
} from '../../scripts/lib/ensure-redis-server.ts';

describe('ensureRedisServer', () => {
  it('finds an installed executable on PATH or in the system folders', () => {
    expect(findExecutable('sh', '')).toMatch(/\/sh$/);
    expect(findExecutable('no-such-binary-floorwalker', '/nowhere')).toBeUndefined();
  });

  it('tells a non-root user exactly what to install instead of trying to install it', () => {
    const log: string[] = [];
    let thrown: unknown;
    try {
      ensureRedisServer({
        binary: 'no-such-redis-server-floorwalker',
        isRoot: false,
        log: (l) => log.push(l),
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MissingRedisError);
    const message = (thrown as Error).message;
    expect(message).toContain('sudo apt-get update && sudo apt-get install -y redis-server');
    expect(message).toContain('REDIS_URL=redis://127.0.0.1:6379 npm start');
    // Nothing was attempted.
    expect(log).toEqual([]);
  });
});
