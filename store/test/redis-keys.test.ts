import { describe, expect, it } from 'vitest';
import { redisKeys } from '../src/redis/keys.ts';

describe('redis keys', () => {
  it('puts every key and stream under the deployment prefix', () => {
    const keys = redisKeys('shop1', 3);
    expect(keys.eventStreams()).toEqual(['shop1:events:0', 'shop1:events:1', 'shop1:events:2']);
    expect(keys.key('visitor', 's', 'v')).toBe('shop1:visitor:s:v');
    expect(keys.bullPrefix.startsWith('shop1:')).toBe(true);
  });

  it('keeps one visitor on one partition and spreads visitors over all partitions', () => {
    const keys = redisKeys('p', 4);
    expect(keys.partitionOf('visitor-123')).toBe(keys.partitionOf('visitor-123'));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[keys.partitionOf(`v${i}`)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600);
  });

  it('rejects prefixes and partition counts that would break key names', () => {
    expect(() => redisKeys('has space')).toThrow();
    expect(() => redisKeys('ok', 0)).toThrow();
  });
});
