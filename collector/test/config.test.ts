import { ConfigError } from '@floorwalker/store';
import { describe, expect, it } from 'vitest';
import { loadCollectorConfig } from '../src/config.ts';

describe('loadCollectorConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadCollectorConfig({ REDIS_URL: 'redis://127.0.0.1:6390' });
    expect(config).toMatchObject({
      COLLECTOR_HOST: '0.0.0.0',
      COLLECTOR_PORT: 8080,
      TRUST_PROXY: false,
      GEOIP_ENABLED: true,
      RATE_LIMIT_PER_IP_PER_MIN: 600,
      RATE_LIMIT_PER_SITE_PER_MIN: 60_000,
      DEDUPE_WINDOW_SECONDS: 600,
      STREAM_MAX_LENGTH: 0,
    });
    expect(config.SNIPPET_DIR).toMatch(/snippet[\\/]dist$/);
    expect(config.GEO_COUNTRY_HEADER).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses booleans as words, not as truthy strings', () => {
    expect(loadCollectorConfig({ REDIS_URL: 'redis://x', TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadCollectorConfig({ REDIS_URL: 'redis://x', TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(
      loadCollectorConfig({ REDIS_URL: 'redis://x', GEO_COUNTRY_HEADER: 'CF-IPCountry' }).GEO_COUNTRY_HEADER,
    ).toBe('cf-ipcountry');
  });

  it('names every bad variable', () => {
    expect(() =>
      loadCollectorConfig({ REDIS_URL: 'redis://x', COLLECTOR_PORT: '99999', TRUST_PROXY: 'maybe' }),
    ).toThrow(ConfigError);
    try {
      loadCollectorConfig({ COLLECTOR_PORT: '99999', TRUST_PROXY: 'maybe' });
    } catch (error) {
      expect((error as Error).message).toMatch(/COLLECTOR_PORT/);
      expect((error as Error).message).toMatch(/TRUST_PROXY/);
      expect((error as Error).message).toMatch(/REDIS_URL/);
    }
  });
});
