/** One poll of the events table: the row count seen, and when the answer arrived (epoch ms). */
export interface VisibilitySample {
  at: number;
  count: number;
}

/** Lags of {@link visibilityLags}. */
export interface VisibilityLags {
  /** Lag of each event that became visible, ms, in send order. */
  lagsMs: number[];
  /** Events never seen by a poll. */
  unseen: number;
}

/**
 * Send-to-visible lag per event, from the generator's send times and periodic `count()` polls.
 *
 * Method: events are numbered in send order (batch by batch, `eventsPerBatch` each, `sentAt`
 * ascending), and the k-th event is taken to be visible at the first poll whose count is ≥ k.
 * Its lag is that poll's answer time minus the k-th send time.
 *
 * - Exact when events land in send order. The writer inserts whole batches from several stream
 *   partitions, so the order is only nearly FIFO: a few events may be paired with a neighbour's
 *   send time, which moves single lags by a few ms but hardly the percentiles.
 * - An upper bound by at most one poll interval plus one query: the event became visible some
 *   time between the previous poll and the answer of the one that first counted it.
 * - Both clocks are `performance.timeOrigin + performance.now()` of two processes on one machine.
 */
export function visibilityLags(
  sentAt: readonly number[],
  eventsPerBatch: number,
  samples: readonly VisibilitySample[],
): VisibilityLags {
  const lagsMs: number[] = [];
  let sample = 0;
  let unseen = 0;
  for (let batch = 0; batch < sentAt.length; batch++) {
    for (let i = 1; i <= eventsPerBatch; i++) {
      const k = batch * eventsPerBatch + i;
      while (sample < samples.length && samples[sample]!.count < k) sample++;
      if (sample === samples.length) unseen++;
      else lagsMs.push(samples[sample]!.at - sentAt[batch]!);
    }
  }
  return { lagsMs, unseen };
}
