import { describe, expect, it } from 'vitest';
import { backoff, MAX_BACKOFF_MS } from '../src/transport/backoff.ts';

describe('backoff', () => {
  it('doubles from one second per failed attempt', () => {
    expect([1, 2, 3, 4].map((a) => backoff(a, () => 1))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('keeps at least half of the step as jitter floor', () => {
    expect([1, 2, 3, 4].map((a) => backoff(a, () => 0))).toEqual([500, 1000, 2000, 4000]);
  });

  it('is capped however many attempts failed', () => {
    expect(backoff(50, () => 1)).toBe(MAX_BACKOFF_MS);
    expect(backoff(1000, () => 0.999)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
  });

  it('spreads retries of many clients over the window', () => {
    const delays = new Set(Array.from({ length: 200 }, () => backoff(5)));
    expect(delays.size).toBeGreaterThan(150);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(8000);
  });
});
