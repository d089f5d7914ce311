import type { Condition, Trigger } from '@floorwalker/protocol';
import type { Redis, SiteRegistry, TriggersRepository } from '@floorwalker/store';
import type { EngineLogger } from '../logger.ts';
import { hasBusinessHours, relaxBusinessHours } from './relax-business-hours.ts';

/** A trigger ready for evaluation. */
export interface CompiledTrigger {
  trigger: Trigger;
  /** The conditions without opening hours, when the trigger has any (see `relaxBusinessHours`). */
  withoutBusinessHours?: Condition;
}

/** What evaluation needs of one site. */
export interface SiteRules {
  siteId: string;
  /** IANA time zone of the site (UTC when unknown). */
  timezone: string;
  /** Enabled triggers, highest priority first. */
  triggers: CompiledTrigger[];
  loadedAt: number;
}

/** Options of {@link triggerCache}. */
export interface TriggerCacheOptions {
  repository: TriggersRepository;
  sites: SiteRegistry;
  /** A connection of its own: it is put in subscriber mode. */
  subscriber: Redis;
  /** Pub/sub channels whose messages (site ids) invalidate a site: trigger and site changes. */
  channels: readonly string[];
  logger: EngineLogger;
  /** Rule sets older than this are reloaded in the background (a missed message heals), ms. Default 30000. */
  refreshMs?: number;
}

/**
 * Enabled triggers per site, compiled, in memory. A save publishes the site id and every engine
 * drops its copy at once; a periodic background reload covers a lost message. Evaluation never
 * waits for ClickHouse except the first time a site is seen.
 */
export function triggerCache(options: TriggerCacheOptions) {
  const refreshMs = options.refreshMs ?? 30_000;
  const cache = new Map<string, SiteRules>();
  const loading = new Map<string, Promise<SiteRules>>();
  let generation = 0;
  const stats = { loads: 0, invalidations: 0, loadFailures: 0 };

  const load = (siteId: string): Promise<SiteRules> => {
    const inFlight = loading.get(siteId);
    if (inFlight) return inFlight;
    const started = generation;
    const promise = (async () => {
      const [triggers, site] = await Promise.all([
        options.repository.listEnabled(siteId),
        options.sites.get(siteId),
      ]);
      stats.loads++;
      const rules: SiteRules = {
        siteId,
        timezone: site?.timezone ?? 'UTC',
        triggers: triggers.map((trigger) =>
          hasBusinessHours(trigger.conditions)
            ? { trigger, withoutBusinessHours: relaxBusinessHours(trigger.conditions) }
            : { trigger },
        ),
        loadedAt: Date.now(),
      };
      // An invalidation during the load means what we read may be stale: use it once, keep nothing.
      if (generation === started) cache.set(siteId, rules);
      return rules;
    })().finally(() => loading.delete(siteId));
    loading.set(siteId, promise);
    return promise;
  };

  const onMessage = (channel: string, siteId: string) => {
    if (!options.channels.includes(channel)) return;
    generation++;
    stats.invalidations++;
    cache.delete(siteId);
  };

  return {
    async start(): Promise<void> {
      options.subscriber.on('message', onMessage);
      await options.subscriber.subscribe(...options.channels);
    },
    async stop(): Promise<void> {
      options.subscriber.off('message', onMessage);
      options.subscriber.disconnect();
    },
    /** The site's rules: cached, loaded on first use, refreshed in the background when old. */
    async get(siteId: string): Promise<SiteRules> {
      const cached = cache.get(siteId);
      if (!cached) return load(siteId);
      if (Date.now() - cached.loadedAt > refreshMs) {
        load(siteId).catch((error) => {
          stats.loadFailures++;
          options.logger.warn({ err: (error as Error).message, siteId }, 'triggers: reloading rules failed');
        });
      }
      return cached;
    },
    /** Drops a site's rules (next use reloads). */
    invalidate(siteId: string): void {
      onMessage(options.channels[0] ?? '', siteId);
    },
    stats: () => ({ ...stats, sites: cache.size }),
  };
}
export type TriggerCache = ReturnType<typeof triggerCache>;
