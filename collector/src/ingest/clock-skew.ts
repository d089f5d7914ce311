/** Events claiming to be older than this (after skew correction) are clamped to it. */
export const MAX_EVENT_AGE_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * Server-clock time of an event. The client's clock may be off by any amount, but the gap
 * between the event and the batch's `sentAt` is measured on that same clock, so
 * `receivedAt - (sentAt - eventTs)` is the event time on the server's clock (network transit
 * is ignored; it is small next to typical skew).
 *
 * The result is clamped to `[receivedAt - MAX_EVENT_AGE_MS, receivedAt]`: never in the future
 * (an event "after" its batch was sent is impossible), and never older than a few days (a
 * queue replayed after a week offline would otherwise land in closed report periods).
 */
export function correctTimestamp(eventTs: number, sentAt: number, receivedAt: number): number {
  const corrected = receivedAt - (sentAt - eventTs);
  return Math.min(receivedAt, Math.max(receivedAt - MAX_EVENT_AGE_MS, corrected));
}
