import type { Enrichment } from '@floorwalker/protocol';
import { isbot } from 'isbot';
import { UAParser, type UAParserExt } from 'ua-parser-js';
import { Bots, Crawlers } from 'ua-parser-js/extensions';
import { countryOfHeader, countryOfIp, loadGeoDatabase } from './geo-country.ts';

type DeviceFields = Omit<Enrichment, 'country'>;

/** Options of {@link createEnricher}. */
export interface EnricherOptions {
  /** Look up the client IP in the bundled GeoIP database. Default true. */
  geoip?: boolean;
  /** Lower-case header holding the country set by a trusted proxy; wins over GeoIP. Default unset. */
  countryHeader?: string;
  /** Distinct user agents whose parse result is kept (and five times as many client addresses' countries). Default 2000. */
  cacheSize?: number;
}

/** Longer user agents are cut before parsing: real ones are a few hundred characters. */
const MAX_USER_AGENT = 512;

/** Name crawlers (Googlebot, Bingbot) and other bots instead of leaving them nameless. */
const EXTENSIONS = [Crawlers, Bots].flat() as UAParserExt;

/** ua-parser's device types that are neither phones nor tablets (TVs, consoles, watches, …). */
function deviceOf(type: string | undefined, browser: string, isBot: boolean): string {
  if (isBot) return 'bot';
  if (type === 'mobile' || type === 'tablet') return type;
  if (type === undefined) return browser ? 'desktop' : 'other';
  return 'other';
}

export function parseUserAgent(userAgent: string): DeviceFields {
  const ua = userAgent.slice(0, MAX_USER_AGENT);
  const result = UAParser(ua, EXTENSIONS);
  const isBot =
    ua === '' || isbot(ua) || result.browser.type === 'crawler' || result.browser.type === 'fetcher';
  const browser = result.browser.name ?? '';
  return { device: deviceOf(result.device.type, browser, isBot), browser, os: result.os.name ?? '', isBot };
}

/**
 * What the collector knows about the sender of a batch: device class, browser, OS, bot flag
 * (isbot's list plus ua-parser's crawler detection; an empty user agent counts as a bot) and
 * country. The IP itself is used for the lookup only and never stored.
 */
export function createEnricher(options: EnricherOptions = {}) {
  const geoip = options.geoip ?? true;
  const cacheSize = options.cacheSize ?? 2000;
  // Parsing costs ~0.1 ms; a shop's traffic repeats a few hundred user agents, so an LRU keeps
  // the hot ones (Map iteration order is insertion order: re-inserting marks as recent).
  const cache = new Map<string, DeviceFields>();
  // A visitor sends many batches from one address: remember recent lookups (same LRU scheme).
  const countries = new Map<string, string>();
  if (geoip) loadGeoDatabase();

  function countryOf(ip: string): string {
    const hit = countries.get(ip);
    if (hit !== undefined) {
      countries.delete(ip);
      countries.set(ip, hit);
      return hit;
    }
    const country = countryOfIp(ip);
    countries.set(ip, country);
    if (countries.size > cacheSize * 5) countries.delete(countries.keys().next().value as string);
    return country;
  }

  function device(userAgent: string): DeviceFields {
    const hit = cache.get(userAgent);
    if (hit) {
      cache.delete(userAgent);
      cache.set(userAgent, hit);
      return hit;
    }
    const fields = parseUserAgent(userAgent);
    cache.set(userAgent, fields);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
    return fields;
  }

  return {
    enrich(input: {
      userAgent: string | undefined;
      ip: string;
      headers: Record<string, unknown>;
    }): Enrichment {
      const fromHeader = options.countryHeader
        ? countryOfHeader(input.headers[options.countryHeader] as string | string[] | undefined)
        : '';
      const country = fromHeader || (geoip ? countryOf(input.ip) : '');
      return { ...device(input.userAgent ?? ''), country };
    },
  };
}
export type Enricher = ReturnType<typeof createEnricher>;
