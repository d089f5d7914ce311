import { connectRedis } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRedis, type TestRedis } from '../../../test/helpers/stores.ts';
import { type CheckJobData, checkJobId, checkQueue } from '../../src/triggers/check-queue.ts';

describe('trigger check queue', () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await openTestRedis();
  });
  afterAll(() => t.cleanup());

  it('runs a near-due check on the in-process timer at its due time, keeping the BullMQ job until it ran', async () => {
    const connection = connectRedis(t.url, { forBullmq: true });
    const fired: { data: CheckJobData; at: number; jobStillQueued: boolean }[] = [];
    const checks = checkQueue({
      connection,
      keys: t.keys,
      localTimers: {
        horizonMs: 60_000,
        fire: async (data, jobId) => {
          const job = await checks.queue.getJob(jobId);
          fired.push({ data, at: Date.now(), jobStillQueued: job !== undefined });
          await checks.queue.remove(jobId);
        },
      },
    });
    const dueAt = Date.now() + 300;
    const data = { siteId: 's', visitorId: 'v', pageViewId: 'p', triggerId: 't', dueAt };
    await checks.scheduleCheck(data);
    await checks.scheduleCheck(data); // the same check twice is one timer and one job
    // The durable copy is due a grace period later, so it does not run alongside the timer.
    const queued = await checks.queue.getJob(checkJobId(data));
    expect(queued!.delay).toBeGreaterThanOrEqual(1500);
    expect(queued!.timestamp + queued!.delay).toBeGreaterThanOrEqual(dueAt + 1500);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(fired).toHaveLength(1);
    expect(fired[0]!.at).toBeGreaterThanOrEqual(dueAt);
    expect(fired[0]!.jobStillQueued).toBe(true);
    expect(await checks.queue.getDelayedCount()).toBe(0);
    await checks.close();
    connection.disconnect();
  });

  it('leaves checks beyond the horizon to BullMQ alone and cancels timers on close', async () => {
    const connection = connectRedis(t.url, { forBullmq: true });
    let fired = 0;
    const checks = checkQueue({
      connection,
      keys: t.keys,
      localTimers: { horizonMs: 400, fire: async () => void fired++ },
    });
    const far = { siteId: 's', visitorId: 'v2', pageViewId: 'p', triggerId: 't', dueAt: Date.now() + 800 };
    await checks.scheduleCheck(far);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(fired).toBe(0);
    expect((await checks.queue.getJob(checkJobId(far)))?.data).toMatchObject({
      kind: 'check',
      visitorId: 'v2',
    });
    await checks.scheduleCheck({
      siteId: 's',
      visitorId: 'v3',
      pageViewId: 'p',
      triggerId: 't',
      dueAt: Date.now() + 300,
    });
    await checks.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fired).toBe(0);
    connection.disconnect();
  });
});
