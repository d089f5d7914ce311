import { setTimeout as sleep } from 'node:timers/promises';

/** Capped exponential backoff with jitter. */
export interface Backoff {
  /** Delay before retry number `attempt` (1-based), ms. */
  delay(attempt: number): number;
  /** Waits the delay of `attempt`; resolves early (false) when `signal` aborts. */
  wait(attempt: number, signal?: AbortSignal): Promise<boolean>;
}

/** Options of {@link backoff}. */
export interface BackoffOptions {
  /** First delay, ms. Default 200. */
  baseMs?: number;
  /** Largest delay, ms. Default 5000. */
  maxMs?: number;
}

export function backoff(options: BackoffOptions = {}): Backoff {
  const base = options.baseMs ?? 200;
  const max = options.maxMs ?? 5000;
  const delay = (attempt: number) => {
    const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
    // ±20 % jitter so many engines don't retry in lockstep.
    return Math.round(exp * (0.8 + Math.random() * 0.4));
  };
  return {
    delay,
    async wait(attempt, signal) {
      if (signal?.aborted) return false;
      try {
        await sleep(delay(attempt), undefined, signal ? { signal } : undefined);
        return true;
      } catch {
        return false;
      }
    },
  };
}
