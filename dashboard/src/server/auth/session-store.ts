import { randomBytes } from 'node:crypto';
import type { Redis, RedisKeys } from '@floorwalker/store';

/** What a session remembers; the user itself is read fresh on every request so role changes apply at once. */
export interface Session {
  sessionId: string;
  userId: string;
  /** Unix milliseconds. */
  createdAt: number;
}

/** Options of {@link sessionStore}. */
export interface SessionStoreOptions {
  /** Seconds a session lives without use; every use renews it. */
  ttlSeconds: number;
}

/**
 * Sessions in Redis under `<prefix>:session:<id>`, so every dashboard node sees every session.
 * A per-user set (`<prefix>:user-sessions:<userId>`) lets a password reset or a deletion end all
 * sessions of that user.
 */
export function sessionStore(redis: Redis, keys: RedisKeys, options: SessionStoreOptions) {
  const sessionKey = (id: string) => keys.key('session', id);
  const userKey = (userId: string) => keys.key('user-sessions', userId);
  const ttl = options.ttlSeconds;

  return {
    ttlSeconds: ttl,
    async create(userId: string): Promise<Session> {
      const session: Session = {
        sessionId: randomBytes(32).toString('base64url'),
        userId,
        createdAt: Date.now(),
      };
      await redis
        .multi()
        .set(sessionKey(session.sessionId), JSON.stringify(session), 'EX', ttl)
        .sadd(userKey(userId), session.sessionId)
        .expire(userKey(userId), ttl)
        .exec();
      return session;
    },
    /** The session, renewing its expiry; undefined when unknown or expired. */
    async touch(sessionId: string): Promise<Session | undefined> {
      if (!/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return undefined;
      const results = await redis
        .multi()
        .get(sessionKey(sessionId))
        .expire(sessionKey(sessionId), ttl)
        .exec();
      const text = results?.[0]?.[1];
      if (typeof text !== 'string') return undefined;
      const session = JSON.parse(text) as Session;
      await redis.expire(userKey(session.userId), ttl);
      return session;
    },
    async destroy(sessionId: string): Promise<void> {
      const text = await redis.getdel(sessionKey(sessionId));
      if (text) await redis.srem(userKey((JSON.parse(text) as Session).userId), sessionId);
    },
    /** Ends every session of a user, except `keep` (the session of the admin resetting their own password). */
    async destroyAllOf(userId: string, keep?: string): Promise<number> {
      const ids = (await redis.smembers(userKey(userId))).filter((id) => id !== keep);
      if (ids.length === 0) return 0;
      await redis
        .multi()
        .del(...ids.map(sessionKey))
        .srem(userKey(userId), ...ids)
        .exec();
      return ids.length;
    },
  };
}
export type SessionStore = ReturnType<typeof sessionStore>;
