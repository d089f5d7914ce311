import { createHash } from 'node:crypto';
import type { Redis, RedisKeys } from '@floorwalker/store';

/** Options of {@link loginRateLimit}. */
export interface LoginRateLimitOptions {
  /** Failed attempts allowed per window for one IP and e-mail address. */
  perIpAndEmail: number;
  /** Failed attempts allowed per window for one IP over all addresses. Default 10 × perIpAndEmail. */
  perIp?: number;
  /** Window length in seconds. Default 60. */
  windowSeconds?: number;
}

/**
 * Counts failed logins in Redis (so every dashboard node shares the count) per IP + e-mail address
 * and per IP. Once a budget is spent, further attempts are refused until the window ends.
 */
export function loginRateLimit(redis: Redis, keys: RedisKeys, options: LoginRateLimitOptions) {
  const window = options.windowSeconds ?? 60;
  const perIp = options.perIp ?? options.perIpAndEmail * 10;
  // Hashed so arbitrary input never shapes key names.
  const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);
  const pairKey = (ip: string, email: string) => keys.key('login-fail', digest(`${ip}\n${email}`));
  const ipKey = (ip: string) => keys.key('login-fail-ip', digest(ip));

  return {
    /** True when this IP (and address) has no attempts left in the current window. */
    async isBlocked(ip: string, email: string): Promise<boolean> {
      const [pair, all] = await redis.mget(pairKey(ip, email), ipKey(ip));
      return Number(pair ?? 0) >= options.perIpAndEmail || Number(all ?? 0) >= perIp;
    },
    async recordFailure(ip: string, email: string): Promise<void> {
      // NX: the window starts at the first failure and is not extended by later ones.
      await redis
        .multi()
        .incr(pairKey(ip, email))
        .expire(pairKey(ip, email), window, 'NX')
        .incr(ipKey(ip))
        .expire(ipKey(ip), window, 'NX')
        .exec();
    },
    /** A successful login clears the address' count (not the IP's). */
    async reset(ip: string, email: string): Promise<void> {
      await redis.del(pairKey(ip, email));
    },
  };
}
export type LoginRateLimit = ReturnType<typeof loginRateLimit>;
