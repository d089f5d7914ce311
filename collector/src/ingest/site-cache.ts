import { type Redis, type RedisKeys, type Site, siteRegistry } from '@floorwalker/store';

/** Options of {@link createSiteCache}. */
export interface SiteCacheOptions {
  /** How long a found site is served from memory. Default 10 s. */
  ttlMs?: number;
  /** How long an unknown site key is remembered, so floods of bad keys do not reach Redis. Default 2 s. */
  negativeTtlMs?: number;
  /** Most cached keys (oldest evicted first). Default 10000. */
  maxEntries?: number;
}

interface Entry {
  site: Site | undefined;
  expiresAt: number;
}

/**
 * The sites the collector accepts events for, read from the Redis mirror (`siteRegistry`) and
 * cached briefly in memory. The dashboard publishes every change on the registry's channel; a
 * subscriber connection drops the changed key at once, and the whole cache when it reconnects
 * (it may have missed messages). The TTL bounds staleness if a message is lost anyway.
 */
export function createSiteCache(redis: Redis, keys: RedisKeys, options: SiteCacheOptions = {}) {
  const ttlMs = options.ttlMs ?? 10_000;
  const negativeTtlMs = options.negativeTtlMs ?? 2_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const registry = siteRegistry(redis, keys);
  const entries = new Map<string, Entry>();
  const inflight = new Map<string, Promise<Site | undefined>>();
  let subscriber: Redis | undefined;

  function remember(siteId: string, site: Site | undefined): void {
    entries.delete(siteId);
    entries.set(siteId, { site, expiresAt: Date.now() + (site ? ttlMs : negativeTtlMs) });
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  }

  return {
    /** Starts listening for changes. Safe to call while Redis is down (it subscribes once up). */
    start(): void {
      if (subscriber) return;
      subscriber = redis.duplicate();
      // The main connection's owner reports Redis errors; this one only needs not to crash.
      subscriber.on('error', () => undefined);
      subscriber.on('ready', () => entries.clear());
      subscriber.on('message', (_channel: string, siteId: string) => entries.delete(siteId));
      subscriber.subscribe(registry.channel).catch(() => undefined);
    },
    /**
     * The site with this key when it is known and fresh in memory; undefined when it is not
     * cached (or cached as unknown): then ask {@link get}. Never touches Redis.
     */
    peek(siteId: string): Site | undefined {
      const hit = entries.get(siteId);
      return hit && hit.expiresAt > Date.now() ? hit.site : undefined;
    },
    /** The site with this key, or undefined when unknown or deleted. Throws when Redis fails. */
    async get(siteId: string): Promise<Site | undefined> {
      const hit = entries.get(siteId);
      if (hit && hit.expiresAt > Date.now()) return hit.site;
      // Concurrent requests for the same key share one Redis round trip.
      let pending = inflight.get(siteId);
      if (!pending) {
        pending = registry.get(siteId).then(
          (site) => {
            inflight.delete(siteId);
            remember(siteId, site);
            return site;
          },
          (error: unknown) => {
            inflight.delete(siteId);
            throw error;
          },
        );
        inflight.set(siteId, pending);
      }
      return pending;
    },
    /** Forgets every cached site. */
    clear(): void {
      entries.clear();
    },
    async close(): Promise<void> {
      const s = subscriber;
      subscriber = undefined;
      if (!s) return;
      if (s.status === 'ready') await s.quit().catch(() => s.disconnect());
      else s.disconnect();
    },
  };
}
export type SiteCache = ReturnType<typeof createSiteCache>;
