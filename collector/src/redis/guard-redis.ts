import type { Redis } from '@floorwalker/store';
import { CollectorError } from '../errors.ts';

/** Connection states in which a command cannot succeed soon: fail at once instead of queueing. */
const downStates = new Set(['reconnecting', 'close', 'end']);

/**
 * Runs one Redis operation for a request. While the connection is down, or when the operation
 * fails or takes longer than `timeoutMs`, it throws `FW_INGEST_UNAVAILABLE` (503) so the snippet
 * retries, instead of holding the request while ioredis retries in the background.
 *
 * A timed-out command may still run later from ioredis' offline queue. Callers must therefore
 * only rely on what they saw succeed (events are at-least-once; the engine removes duplicates).
 */
export async function guardRedis<T>(
  redis: Redis,
  timeoutMs: number,
  operation: () => Promise<T>,
): Promise<T> {
  if (downStates.has(redis.status)) {
    throw new CollectorError('FW_INGEST_UNAVAILABLE', { message: `Redis is ${redis.status}; retry later.` });
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CollectorError('FW_INGEST_UNAVAILABLE', { message: 'Redis timed out; retry later.' })),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([operation(), timeout]);
  } catch (error) {
    if (error instanceof CollectorError) throw error;
    throw new CollectorError('FW_INGEST_UNAVAILABLE', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
