import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseEnv, storeEnvShape } from '../src/config/env.ts';

describe('parseEnv', () => {
  const shape = { ...storeEnvShape, PORT: z.coerce.number().int().min(1).max(65535).default(8080) };

  it('applies defaults, treats empty strings as unset and freezes the result', () => {
    const config = parseEnv(shape, { REDIS_URL: 'redis://127.0.0.1:6379', CLICKHOUSE_URL: '' });
    expect(config.PORT).toBe(8080);
    expect(config.CLICKHOUSE_URL).toBeUndefined();
    expect(config.REDIS_PREFIX).toBe('fw');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('fails with a message naming every bad variable', () => {
    let error: unknown;
    try {
      parseEnv(shape, { REDIS_URL: 'nope', PORT: 'abc' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/REDIS_URL: expected a redis:\/\//);
    expect((error as Error).message).toMatch(/PORT:/);
  });
});
