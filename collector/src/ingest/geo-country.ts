import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type GeoIp from 'geoip-lite';

type GeoIpModule = typeof GeoIp;
let database: GeoIpModule | undefined;

/**
 * Loads geoip-lite's bundled MaxMind GeoLite database (offline; ~300 ms and ~150 MB of memory,
 * once per process). geoip-lite reads its files synchronously when first required, so we
 * require it on demand: processes that never look up a country never pay for it.
 */
export function loadGeoDatabase(): GeoIpModule {
  database ??= createRequire(import.meta.url)('geoip-lite') as GeoIpModule;
  return database;
}

/** ISO 3166-1 alpha-2 country of an IP address, or '' when unknown (private ranges, bad input). */
export function countryOfIp(ip: string): string {
  const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  if (isIP(plain) === 0) return '';
  return loadGeoDatabase().lookup(plain)?.country ?? '';
}

/**
 * A country header set by a trusted proxy (Cloudflare's `cf-ipcountry`, or a load balancer's),
 * or '' when absent or not a real country (`XX` unknown, `T1` Tor).
 */
export function countryOfHeader(value: string | string[] | undefined): string {
  const first = Array.isArray(value) ? value[0] : value;
  const code = first?.trim().toUpperCase() ?? '';
  return /^[A-Z]{2}$/.test(code) && code !== 'XX' ? code : '';
}
