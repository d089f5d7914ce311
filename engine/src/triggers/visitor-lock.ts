import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from '@floorwalker/store';

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type LockRedis = Redis & { fwTriggerUnlock(key: string, token: string): Promise<number> };

/** Options of {@link visitorLock}. */
export interface VisitorLockOptions {
  /** A holder that dies keeps the lock this long at most, ms. Default 5000. */
  ttlMs?: number;
  /** How long to wait for a busy lock before giving up, ms. Default 3000. */
  waitMs?: number;
}

/** Thrown when a visitor's lock stayed busy for the whole wait. */
export class VisitorBusyError extends Error {
  readonly code = 'FW_TRIGGER_VISITOR_BUSY';
}

/**
 * One evaluation of a visitor at a time, across engines: evaluations read the budget, decide
 * and charge it, and two of them interleaving (two engines, or a timer and a state change)
 * could both spend the visitor's last invitation. A plain Redis lock with a token and a TTL;
 * correctness never depends on it alone (claims are SET NX), it keeps budgets exact.
 */
export function visitorLock(redis: Redis, options: VisitorLockOptions = {}) {
  const r = redis as LockRedis;
  if (typeof r.fwTriggerUnlock !== 'function')
    redis.defineCommand('fwTriggerUnlock', { numberOfKeys: 1, lua: RELEASE });
  const ttl = options.ttlMs ?? 5000;
  const wait = options.waitMs ?? 3000;
  return {
    /**
     * Runs `work` while holding the lock. `prefetch`, when given, is issued right behind each
     * attempt to take the lock, on the same connection: Redis runs it after the `SET NX`, so
     * what it reads is read under the lock when the lock was won, and the two cost one round
     * trip instead of two. Its result is discarded when the lock was busy. It must use the
     * lock's connection (the order of commands holds only on one connection).
     */
    async withLock<T, P = undefined>(
      key: string,
      work: (prefetched: P) => Promise<T>,
      prefetch?: () => Promise<P>,
    ): Promise<T> {
      const token = randomBytes(8).toString('hex');
      const deadline = Date.now() + wait;
      let prefetched: P | undefined;
      for (let delay = 5; ; delay = Math.min(100, delay * 2)) {
        const taking = r.set(key, token, 'PX', ttl, 'NX');
        const reading = prefetch?.();
        // Both settle before we go on: a rejected read is never left unhandled.
        const [taken, read] = await Promise.allSettled([taking, reading]);
        if (taken.status === 'rejected') throw taken.reason;
        if (taken.value === 'OK') {
          if (read.status === 'rejected') {
            await r.fwTriggerUnlock(key, token).catch(() => undefined);
            throw read.reason;
          }
          prefetched = read.value;
          break;
        }
        if (Date.now() >= deadline) throw new VisitorBusyError(`visitor lock ${key} busy`);
        await sleep(delay);
      }
      try {
        return await work(prefetched as P);
      } finally {
        await r.fwTriggerUnlock(key, token).catch(() => undefined);
      }
    },
  };
}
export type VisitorLock = ReturnType<typeof visitorLock>;
