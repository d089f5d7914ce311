import type { Redis } from '@floorwalker/store';
import type { EngineLogger } from '../logger.ts';
import type { EngineWorker } from '../worker.ts';

/** Options of {@link trimConsumedWorker}. */
export interface TrimConsumedOptions {
  redis: Redis;
  streams: readonly string[];
  logger: EngineLogger;
  /** How often to trim, ms. Default 30000. */
  everyMs?: number;
  /** Consumers with nothing pending and idle this long are removed from their group, ms. Default 1 day. */
  forgetConsumersAfterMs?: number;
}

function field(info: unknown[], name: string): unknown {
  for (let i = 0; i + 1 < info.length; i += 2) if (info[i] === name) return info[i + 1];
  return undefined;
}

function compareIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

/**
 * Keeps the event streams from growing without bound: removes entries every consumer group has
 * read and acknowledged (XTRIM MINID at the oldest entry some group still needs). Entries still
 * pending anywhere, or not yet delivered to some group, are never trimmed, so a ClickHouse outage
 * keeps its whole backlog. Also forgets consumers of engines that are gone.
 */
/** The trim worker; `trimNow()` trims at once. */
export interface TrimConsumed extends EngineWorker {
  trimNow(): Promise<void>;
}

export function trimConsumedWorker(options: TrimConsumedOptions): TrimConsumed {
  const stats = { trimmed: 0, consumersRemoved: 0, failures: 0 };
  const forgetAfter = options.forgetConsumersAfterMs ?? 86_400_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const trimStream = async (stream: string) => {
    const groups = (await options.redis.xinfo('GROUPS', stream).catch(() => [])) as unknown[][];
    if (groups.length === 0) return;
    let keepFrom: string | undefined;
    for (const group of groups) {
      const name = String(field(group, 'name'));
      const pending = Number(field(group, 'pending') ?? 0);
      let oldest = String(field(group, 'last-delivered-id') ?? '0-0');
      if (pending > 0) {
        const summary = (await options.redis.xpending(stream, name)) as [number, string | null, ...unknown[]];
        if (summary[1]) oldest = summary[1];
      }
      if (keepFrom === undefined || compareIds(oldest, keepFrom) < 0) keepFrom = oldest;
      const consumers = (await options.redis.xinfo('CONSUMERS', stream, name)) as unknown[][];
      for (const c of consumers) {
        if (Number(field(c, 'pending')) === 0 && Number(field(c, 'idle')) > forgetAfter) {
          await options.redis.xgroup('DELCONSUMER', stream, name, String(field(c, 'name')));
          stats.consumersRemoved++;
        }
      }
    }
    if (keepFrom && keepFrom !== '0-0') {
      stats.trimmed += Number(await options.redis.xtrim(stream, 'MINID', keepFrom));
    }
  };

  const trim = async () => {
    for (const stream of options.streams) await trimStream(stream);
  };

  const tick = () => {
    running = trim()
      .catch((error) => {
        stats.failures++;
        options.logger.warn({ err: (error as Error).message }, 'stream trim failed');
      })
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, options.everyMs ?? 30_000);
      });
  };

  return {
    name: 'trim-consumed',
    async start() {
      timer = setTimeout(tick, options.everyMs ?? 30_000);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    stats: () => ({ ...stats }),
    async trimNow() {
      await running;
      await trim();
    },
  };
}
