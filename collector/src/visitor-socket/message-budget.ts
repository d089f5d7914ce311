/** Options of {@link createMessageBudget}. */
export interface MessageBudgetOptions {
  /** Messages a socket may send in one burst. Default 30. */
  burst?: number;
  /** Messages per second the budget refills. Default 2. */
  perSecond?: number;
}

/**
 * A token bucket per socket: a browser sends a presence on each page view and visibility change
 * and one exit intent per page view, far below the default of 30 at once and 2 per second after.
 * In memory on purpose: a socket lives on one node, so there is nothing to share.
 */
export function createMessageBudget(options: MessageBudgetOptions = {}, now: () => number = Date.now) {
  const burst = options.burst ?? 30;
  const perMs = (options.perSecond ?? 2) / 1000;
  let tokens = burst;
  let at = now();
  return {
    /** Takes one message from the budget; false when it is spent. */
    take(): boolean {
      const t = now();
      tokens = Math.min(burst, tokens + (t - at) * perMs);
      at = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
export type MessageBudget = ReturnType<typeof createMessageBudget>;
