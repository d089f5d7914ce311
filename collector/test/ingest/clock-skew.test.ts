import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correctTimestamp, MAX_EVENT_AGE_MS } from '../../src/ingest/clock-skew.ts';

describe('correctTimestamp', () => {
  it('moves an event onto the server clock by the batch offset', () => {
    // Client clock 1 h behind; event 3 s before sending.
    expect(correctTimestamp(1_000_000 - 3000, 1_000_000, 1_000_000 + 3_600_000)).toBe(
      1_000_000 + 3_600_000 - 3000,
    );
  });

  it('never lands in the future or more than the maximum age in the past', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.integer({ min: MAX_EVENT_AGE_MS, max: 2 ** 45 }),
        (ts, sentAt, receivedAt) => {
          const t = correctTimestamp(ts, sentAt, receivedAt);
          expect(t).toBeLessThanOrEqual(receivedAt);
          expect(t).toBeGreaterThanOrEqual(receivedAt - MAX_EVENT_AGE_MS);
        },
      ),
    );
  });

  it('clamps an event stamped after its batch was sent to the receive time', () => {
    expect(correctTimestamp(2000, 1000, 50_000)).toBe(50_000);
  });
});
