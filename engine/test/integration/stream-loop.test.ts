import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRedis, type TestRedis } from '../../../test/helpers/stores.ts';
import { silentLogger } from '../../src/logger.ts';
import { streamLoop } from '../../src/streams/stream-loop.ts';
import { waitFor } from '../helpers/stream-entries.ts';

describe('stream loop', () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await openTestRedis();
  });
  afterAll(() => t.cleanup());

  const trickle = async (stream: string, count: number, everyMs: number) => {
    for (let i = 0; i < count; i++) {
      await t.redis.xadd(stream, '*', 'e', String(i));
      await sleep(everyMs);
    }
  };

  const loop = (stream: string, minBatchIntervalMs: number, batches: string[][]) =>
    streamLoop({
      name: `test-${minBatchIntervalMs}`,
      redisUrl: t.url,
      commands: t.redis,
      stream,
      group: 'g',
      consumer: 'c',
      field: 'e',
      logger: silentLogger,
      blockMs: 100,
      minBatchIntervalMs,
      async handle(messages) {
        batches.push(messages.map((m) => m.body ?? ''));
      },
    });

  it('gathers a trickle of entries into few batches when given a least interval, losing none', async () => {
    const stream = t.keys.key('loop-test', 'gathered');
    const batches: string[][] = [];
    const gathered = loop(stream, 400, batches);
    await gathered.start();
    const started = Date.now();
    await trickle(stream, 40, 25); // about a second (longer on a busy machine)
    await waitFor(() => batches.flat().length === 40, 5000, 'all entries');
    const elapsed = Date.now() - started;
    await gathered.stop();
    expect(batches.flat()).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
    // One batch at once, then at most one per 400 ms while the trickle lasted.
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(elapsed / 400) + 1);
    expect(batches.length).toBeLessThan(20);
    expect(await t.redis.xpending(stream, 'g')).toEqual([0, null, null, null]);
  });

  it('reads again at once without one', async () => {
    const stream = t.keys.key('loop-test', 'eager');
    const batches: string[][] = [];
    const eager = loop(stream, 0, batches);
    await eager.start();
    await trickle(stream, 40, 25);
    await waitFor(() => batches.flat().length === 40, 5000, 'all entries');
    await eager.stop();
    expect(batches.length).toBeGreaterThan(10);
  });
});
