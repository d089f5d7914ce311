import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRedis, type TestRedis } from '../../../test/helpers/stores.ts';
import { silentLogger } from '../../src/logger.ts';
import { trimConsumedWorker } from '../../src/streams/trim-consumed.ts';

describe('trimming consumed stream entries', () => {
  let r: TestRedis;
  beforeAll(async () => {
    r = await openTestRedis(1);
  });
  afterAll(async () => {
    await r?.cleanup();
  });

  it('removes only entries every group has read and acknowledged', async () => {
    const stream = r.keys.eventStream(0);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(String(await r.redis.xadd(stream, '*', 'e', `{"n":${i}}`)));
    await r.redis.xgroup('CREATE', stream, 'fast', '0');
    await r.redis.xgroup('CREATE', stream, 'slow', '0');
    await r.redis.xreadgroup('GROUP', 'fast', 'a', 'COUNT', 100, 'STREAMS', stream, '>');
    await r.redis.xack(stream, 'fast', ...ids);
    await r.redis.xreadgroup('GROUP', 'slow', 'b', 'COUNT', 100, 'STREAMS', stream, '>');
    await r.redis.xack(stream, 'slow', ...ids.slice(0, 6)); // 4 still pending at the slow group

    const trim = trimConsumedWorker({ redis: r.redis, streams: [stream], logger: silentLogger });
    await trim.trimNow();
    const left = await r.redis.xrange(stream, '-', '+');
    expect(left.map(([id]) => id)).toEqual(ids.slice(6));

    // A group that has not read everything yet keeps what it has not read.
    await r.redis.xack(stream, 'slow', ...ids.slice(6));
    const more = String(await r.redis.xadd(stream, '*', 'e', '{"n":10}'));
    await trim.trimNow();
    expect((await r.redis.xrange(stream, '-', '+')).map(([id]) => id)).toEqual([ids[9], more]);
    expect(trim.stats().trimmed).toBe(6 + 3);
  });
});
