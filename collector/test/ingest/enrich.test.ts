import { describe, expect, it } from 'vitest';
import { createEnricher, parseUserAgent } from '../../src/ingest/enrich.ts';
import { countryOfHeader, countryOfIp } from '../../src/ingest/geo-country.ts';

const UA = {
  chrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  headless:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36',
};

describe('parseUserAgent', () => {
  it('classifies desktop Chrome, iPhone Safari and iPad', () => {
    expect(parseUserAgent(UA.chrome)).toEqual({
      device: 'desktop',
      browser: 'Chrome',
      os: 'Windows',
      isBot: false,
    });
    expect(parseUserAgent(UA.iphone)).toEqual({
      device: 'mobile',
      browser: 'Mobile Safari',
      os: 'iOS',
      isBot: false,
    });
    expect(parseUserAgent(UA.ipad).device).toBe('tablet');
  });

  it('flags crawlers, headless browsers and empty user agents as bots', () => {
    expect(parseUserAgent(UA.googlebot)).toMatchObject({ device: 'bot', browser: 'Googlebot', isBot: true });
    expect(parseUserAgent(UA.headless).isBot).toBe(true);
    expect(parseUserAgent('')).toMatchObject({ device: 'bot', isBot: true });
  });

  it('copes with absurd user agents', () => {
    expect(parseUserAgent('x'.repeat(100_000))).toMatchObject({ device: 'bot', isBot: true });
    // Only the first 512 characters are parsed, so padding cannot slow parsing down.
    expect(parseUserAgent(`${UA.chrome} ${'a'.repeat(100_000)}`)).toEqual(parseUserAgent(UA.chrome));
  });
});

describe('country', () => {
  it('finds the country of public IPv4 and IPv6 addresses offline', () => {
    expect(countryOfIp('8.8.8.8')).toBe('US');
    expect(countryOfIp('::ffff:8.8.8.8')).toBe('US');
    expect(countryOfIp('2001:4860:4860::8888')).toBe('US');
  });

  it('answers empty for private, local and malformed addresses', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '::1', 'not an ip', '']) expect(countryOfIp(ip)).toBe('');
  });

  it('reads proxy country headers and ignores unknown or Tor markers', () => {
    expect(countryOfHeader('de')).toBe('DE');
    expect(countryOfHeader(['FR', 'DE'])).toBe('FR');
    expect(countryOfHeader('XX')).toBe('');
    expect(countryOfHeader('T1')).toBe('');
    expect(countryOfHeader(undefined)).toBe('');
  });
});

describe('createEnricher', () => {
  it('prefers the trusted proxy header over GeoIP when configured', () => {
    const enricher = createEnricher({ countryHeader: 'cf-ipcountry' });
    expect(
      enricher.enrich({ userAgent: UA.chrome, ip: '8.8.8.8', headers: { 'cf-ipcountry': 'CH' } }).country,
    ).toBe('CH');
    expect(enricher.enrich({ userAgent: UA.chrome, ip: '8.8.8.8', headers: {} }).country).toBe('US');
  });

  it('leaves the country empty when GeoIP is off', () => {
    const enricher = createEnricher({ geoip: false });
    expect(enricher.enrich({ userAgent: UA.iphone, ip: '8.8.8.8', headers: {} })).toEqual({
      device: 'mobile',
      browser: 'Mobile Safari',
      os: 'iOS',
      country: '',
      isBot: false,
    });
  });

  it('gives the same answer from its cache as from a fresh parse', () => {
    const enricher = createEnricher({ geoip: false, cacheSize: 2 });
    const uas = [UA.chrome, UA.iphone, UA.googlebot, UA.chrome, UA.ipad, UA.iphone];
    for (const ua of uas) {
      expect(enricher.enrich({ userAgent: ua, ip: '', headers: {} })).toEqual({
        ...parseUserAgent(ua),
        country: '',
      });
    }
  });
});
