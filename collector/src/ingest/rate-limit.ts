import { isIP } from 'node:net';
import type { Redis, RedisKeys } from '@floorwalker/store';
import { CollectorError } from '../errors.ts';

const WINDOW_MS = 60_000;

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Batches per client per minute; 0 = unlimited. */
  perIpPerMinute: number;
  /** Events per site per minute; 0 = unlimited. */
  perSitePerMinute: number;
}

/** The first four groups of an IPv6 address (its /64), expanded: one household or phone. */
function ipv6Prefix64(ip: string): string {
  const [head = '', tail] = ip.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) only affects the last 32 bits, never the /64.
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups =
    tail === undefined ? headGroups : [...headGroups, ...Array(missing).fill('0'), ...tailGroups];
  return groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':');
}

/**
 * The rate-limit identity of a client: the IPv4 address, or the /64 of an IPv6 address (one
 * subscriber gets a whole /64, so per-address limits would be trivial to dodge).
 */
export function clientKey(ip: string): string {
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) return ip.slice(7);
  if (isIP(ip) === 6) return `${ipv6Prefix64(ip)}::/64`;
  return ip;
}

/**
 * Fixed one-minute windows in Redis, shared by every collector node: one pipelined
 * `INCRBY` + `EXPIRE` per counter. A client may burst up to twice the limit across a window
 * boundary; that is the accepted trade-off for one round trip and no scripts.
 * Rejected requests still count, so a client hammering past its limit stays limited.
 */
export function createRateLimiter(redis: Redis, keys: RedisKeys, options: RateLimiterOptions) {
  return {
    /** Counts one batch of `events` events; throws `FW_INGEST_RATE_LIMITED` with `Retry-After` when over. */
    async consume(input: { ip: string; siteId: string; events: number; now?: number }): Promise<void> {
      const now = input.now ?? Date.now();
      const window = Math.floor(now / WINDOW_MS);
      const ttl = Math.ceil(WINDOW_MS / 1000) + 5;
      const checks: { key: string; amount: number; limit: number; scope: string }[] = [];
      if (options.perIpPerMinute > 0) {
        checks.push({
          key: keys.key('ratelimit', 'ip', clientKey(input.ip), String(window)),
          amount: 1,
          limit: options.perIpPerMinute,
          scope: 'client',
        });
      }
      if (options.perSitePerMinute > 0) {
        checks.push({
          key: keys.key('ratelimit', 'site', input.siteId, String(window)),
          amount: input.events,
          limit: options.perSitePerMinute,
          scope: 'site',
        });
      }
      if (checks.length === 0) return;
      const pipeline = redis.pipeline();
      for (const c of checks) pipeline.incrby(c.key, c.amount).expire(c.key, ttl);
      const results = await pipeline.exec();
      if (!results) throw new Error('rate limit pipeline was aborted');
      const exceeded = checks.find((c, i) => {
        const [error, count] = results[i * 2] ?? [new Error('missing reply'), 0];
        if (error) throw error;
        return Number(count) > c.limit;
      });
      if (exceeded) {
        const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
        throw new CollectorError('FW_INGEST_RATE_LIMITED', {
          message: `Too many ${exceeded.scope === 'site' ? 'events for this site' : 'requests from this client'}; retry in ${retryAfter} s.`,
          headers: { 'retry-after': String(retryAfter) },
        });
      }
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
