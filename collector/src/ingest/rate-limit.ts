import { isIP } from 'node:net';
import type { Redis, RedisKeys } from '@floorwalker/store';
import { CollectorError } from '../errors.ts';
import { redisScript } from '../redis/redis-script.ts';

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
  // Anything else (a proxy passing a malformed X-Forwarded-For) is bounded, not trusted.
  return ip.slice(0, 64);
}

/**
 * KEYS: client counter, site counter. ARGV: client limit, site limit, events, ttl seconds.
 * The site is only charged when the client is within its own limit, so one abusive client
 * cannot spend a whole shop's budget. Returns [client count, site count] (0 when not charged).
 */
const consumeScript = redisScript(`
local client = 0
if tonumber(ARGV[1]) > 0 then
  client = redis.call('INCR', KEYS[1])
  if client == 1 then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
  if client > tonumber(ARGV[1]) then return { client, 0 } end
end
local site = 0
if tonumber(ARGV[2]) > 0 then
  site = redis.call('INCRBY', KEYS[2], ARGV[3])
  if site == tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
end
return { client, site }
`);

/**
 * Fixed one-minute windows in Redis, shared by every collector node, checked in one script
 * call. A client may burst up to twice its limit across a window boundary: the accepted
 * trade-off for one round trip. Refused batches still count against their client, so a
 * client hammering past its limit stays limited until the window ends.
 */
export function createRateLimiter(redis: Redis, keys: RedisKeys, options: RateLimiterOptions) {
  return {
    /** False when both limits are 0: then {@link consume} never touches Redis and need not be called. */
    enabled: options.perIpPerMinute > 0 || options.perSitePerMinute > 0,
    /** Counts one batch of `events` events; throws `FW_INGEST_RATE_LIMITED` with `Retry-After` when over. */
    async consume(input: { ip: string; siteId: string; events: number; now?: number }): Promise<void> {
      if (options.perIpPerMinute === 0 && options.perSitePerMinute === 0) return;
      const now = input.now ?? Date.now();
      const window = Math.floor(now / WINDOW_MS);
      const reply = await consumeScript.run(
        redis,
        [
          keys.key('ratelimit', 'ip', clientKey(input.ip), String(window)),
          keys.key('ratelimit', 'site', input.siteId, String(window)),
        ],
        [options.perIpPerMinute, options.perSitePerMinute, input.events, WINDOW_MS / 1000 + 5],
      );
      const [client, site] = (Array.isArray(reply) ? reply : []).map(Number) as [number?, number?];
      if (client === undefined || site === undefined)
        throw new Error(`rate limit script answered ${String(reply)}`);
      const overClient = options.perIpPerMinute > 0 && client > options.perIpPerMinute;
      const overSite = !overClient && options.perSitePerMinute > 0 && site > options.perSitePerMinute;
      if (overClient || overSite) {
        const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
        throw new CollectorError('FW_INGEST_RATE_LIMITED', {
          message: `Too many ${overSite ? 'events for this site' : 'requests from this client'}; retry in ${retryAfter} s.`,
          headers: { 'retry-after': String(retryAfter) },
        });
      }
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
