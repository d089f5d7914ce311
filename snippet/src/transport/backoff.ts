/** Longest wait between two attempts of the same batch. */
export const MAX_BACKOFF_MS = 60_000;

/**
 * Delay before attempt `attempt + 1` after `attempt` failures: exponential from 1 s, capped at
 * {@link MAX_BACKOFF_MS}, with "equal jitter" (half fixed, half random) so that a collector
 * coming back from an outage is not hit by every visitor at the same instant.
 */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
