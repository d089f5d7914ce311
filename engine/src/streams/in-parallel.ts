/**
 * Runs `work` over `items` with at most `limit` in flight; rejects with the first error after
 * all have settled. Bounded, not `Promise.all` over everything: a batch of hundreds of visitors
 * started at once issues hundreds of Redis commands in one turn of the event loop, and their
 * replies come back in one read and continue in one turn too; timers (an invitation due now)
 * wait behind both. Lanes interleave the batch with everything else.
 */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item).catch((error) => errors.push(error));
    }
  });
  await Promise.all(lanes);
  if (errors.length > 0) throw errors[0];
}
