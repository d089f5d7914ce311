import {
  availability,
  type ClickHouse,
  type PresenceHistory,
  type PresenceSample,
  presenceHistory,
  type Redis,
  type RedisKeys,
  type SitesRepository,
} from '@floorwalker/store';
import type { FastifyBaseLogger } from 'fastify';

const MINUTE_MS = 60_000;

/** Options of {@link presenceSampler}. */
export interface PresenceSamplerOptions {
  ch: ClickHouse;
  redis: Redis;
  keys: RedisKeys;
  sites: SitesRepository;
  logger: FastifyBaseLogger;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * Records agent presence once a minute into ClickHouse (`agent_presence`) from the live
 * presence in Redis, for the backtest's staffed-slots line. Every dashboard node runs one; a
 * Redis `SET NX` per minute lets exactly one of them write that minute.
 */
export function presenceSampler(options: PresenceSamplerOptions) {
  const now = options.now ?? Date.now;
  const agents = availability(options.redis, options.keys);
  const history: PresenceHistory = presenceHistory(options.ch);
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let inFlight: Promise<number> | undefined;

  /** Samples the minute containing `at` (once across nodes); returns the rows written. */
  async function sampleOnce(at = now()): Promise<number> {
    const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
    const claimed = await options.redis.set(
      options.keys.key('agent-presence-sample', String(minute)),
      '1',
      'PX',
      10 * MINUTE_MS,
      'NX',
    );
    if (claimed !== 'OK') return 0;
    const sites = await options.sites.list();
    const samples: PresenceSample[] = [];
    for (const site of sites) {
      for (const agent of await agents.listAgents(site.siteId, at)) {
        samples.push({ siteId: site.siteId, minute, agent });
      }
    }
    await history.record(samples);
    return samples.length;
  }

  const schedule = () => {
    if (stopped) return;
    // Half a minute into each minute: presence heartbeats of that minute have landed.
    const wait = MINUTE_MS - (now() % MINUTE_MS) + MINUTE_MS / 2;
    timer = setTimeout(() => {
      inFlight = sampleOnce()
        .catch((error: unknown) => {
          options.logger.warn({ err: (error as Error).message }, 'agent presence sample failed');
          return 0;
        })
        .finally(() => {
          inFlight = undefined;
          schedule();
        });
    }, wait % MINUTE_MS);
    timer.unref();
  };

  return {
    sampleOnce,
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
export type PresenceSampler = ReturnType<typeof presenceSampler>;
