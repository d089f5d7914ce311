import { describe, expect, it } from 'vitest';
import { CollectorError } from '../../src/errors.ts';
import { checkOrigin, normalizeOrigin } from '../../src/ingest/check-origin.ts';
import { clientKey } from '../../src/ingest/rate-limit.ts';
import { makeSite } from '../helpers/collector-app.ts';

describe('checkOrigin', () => {
  it('allows any origin, or none, when the site lists no origins', () => {
    expect(() => checkOrigin(makeSite(), 'https://anything.example')).not.toThrow();
    expect(() => checkOrigin(makeSite(), undefined)).not.toThrow();
  });

  it('compares normalized origins and refuses missing, opaque and foreign ones', () => {
    const site = makeSite({ allowedOrigins: ['https://Shop.example/', 'http://localhost:3000'] });
    expect(() => checkOrigin(site, 'https://shop.example:443')).not.toThrow();
    expect(() => checkOrigin(site, 'http://localhost:3000')).not.toThrow();
    for (const origin of [
      'https://shop.example.evil.com',
      'http://shop.example',
      'null',
      undefined,
      'garbage',
    ]) {
      expect(() => checkOrigin(site, origin)).toThrow(CollectorError);
    }
    expect(normalizeOrigin('null')).toBeUndefined();
  });
});

describe('clientKey', () => {
  it('keeps IPv4 addresses and unwraps IPv4-mapped IPv6', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('groups IPv6 addresses by their /64 whatever their spelling', () => {
    const key = clientKey('2001:db8:1:2::1');
    expect(key).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe(key);
    expect(clientKey('2001:db8:1:3::1')).not.toBe(key);
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
  });
});
