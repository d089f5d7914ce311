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
    async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
      const token = randomBytes(8).toString('hex');
      const deadline = Date.now() + wait;
      for (let delay = 5; ; delay = Math.min(100, delay * 2)) {
        if ((await r.set(key, token, 'PX', ttl, 'NX')) === 'OK') break;
        if (Date.now() >= deadline) throw new VisitorBusyError(`visitor lock ${key} busy`);
        await sleep(delay);
      }
      try {
        return await work();
      } finally {
        await r.fwTriggerUnlock(key, token).catch(() => undefined);
      }
    },
  };
}
export type VisitorLock = ReturnType<typeof visitorLock>;
