import { describe, expect, it } from 'vitest';
import { Shutdown } from '../../scripts/all-in-one/shutdown.ts';

describe('Shutdown', () => {
  it('stops in reverse start order and reports failures without skipping later steps', async () => {
    const order: string[] = [];
    const shutdown = new Shutdown(1000);
    shutdown.defer('redis', () => {
      order.push('redis');
    });
    shutdown.defer('engine', async () => {
      order.push('engine');
      throw new Error('boom');
    });
    shutdown.defer('collector', () => {
      order.push('collector');
    });
    expect(await shutdown.run()).toEqual(['engine: boom']);
    expect(order).toEqual(['collector', 'engine', 'redis']);
    // A second call (SIGINT then SIGTERM) runs nothing again.
    expect(await shutdown.run()).toEqual(['engine: boom']);
    expect(order).toHaveLength(3);
  });

  it('gives up on a step that hangs and still runs the rest', async () => {
    const order: string[] = [];
    const shutdown = new Shutdown(50);
    shutdown.defer('redis', () => {
      order.push('redis');
    });
    shutdown.defer('stuck', () => new Promise<void>(() => {}));
    const failures = await shutdown.run();
    expect(failures).toEqual(['stuck: did not stop within 50 ms']);
    expect(order).toEqual(['redis']);
  });
});
