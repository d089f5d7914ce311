import { ConfigError } from '@floorwalker/store';
import { describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../src/config.ts';

describe('loadEngineConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadEngineConfig({ REDIS_URL: 'redis://127.0.0.1:6390' });
    expect(config).toMatchObject({
      ENGINE_FLUSH_MS: 1000,
      ENGINE_BATCH_ROWS: 10_000,
      VISITOR_IDLE_SECONDS: 60,
      VISITOR_LEFT_SECONDS: 120,
      VISITOR_STATE_TTL_SECONDS: 1800,
      STREAM_PARTITIONS: 4,
    });
    expect(config.ENGINE_CONSUMER).toMatch(new RegExp(`-${process.pid}$`));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable', () => {
    expect(() =>
      loadEngineConfig({ REDIS_URL: 'redis://x', ENGINE_FLUSH_MS: 'soon', ENGINE_BATCH_ROWS: '0' }),
    ).toThrow(/ENGINE_FLUSH_MS[\s\S]*ENGINE_BATCH_ROWS/);
  });

  it('rejects a left timeout shorter than the idle timeout', () => {
    expect(() =>
      loadEngineConfig({ REDIS_URL: 'redis://x', VISITOR_IDLE_SECONDS: '300', VISITOR_LEFT_SECONDS: '120' }),
    ).toThrow(ConfigError);
  });
});
