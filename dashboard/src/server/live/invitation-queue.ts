import { type ManualInvitationJob, type ManualInvitationResult, QUEUES } from '@floorwalker/protocol';
import type { Redis, RedisKeys } from '@floorwalker/store';
import { Queue, QueueEvents } from 'bullmq';

/** What enqueueing a manual invitation led to within the wait. */
export type InviteOutcome =
  | { state: 'finished'; result: ManualInvitationResult }
  | { state: 'queued'; jobId: string };

/**
 * The dashboard's side of manual invitations: jobs on `QUEUES.invitations` (BullMQ, prefix
 * `keys.bullPrefix`), delivered by the engine's manual invitation worker through the same path
 * as automatic ones. Connections open on first use and close with {@link close}.
 */
export function invitationQueue(redis: Redis, keys: RedisKeys) {
  let opened: Promise<{ queue: Queue<ManualInvitationJob>; events: QueueEvents }> | undefined;
  const connections: Redis[] = [];
  const open = () => {
    opened ??= (async () => {
      // Commands fail fast while Redis is down (the request answers 503); the events reader blocks.
      const commands = redis.duplicate();
      const blocking = redis.duplicate({ maxRetriesPerRequest: null });
      for (const c of [commands, blocking]) c.on('error', () => undefined);
      connections.push(commands, blocking);
      const queue = new Queue<ManualInvitationJob>(QUEUES.invitations, {
        connection: commands,
        prefix: keys.bullPrefix,
      });
      const events = new QueueEvents(QUEUES.invitations, {
        connection: blocking,
        prefix: keys.bullPrefix,
      });
      queue.on('error', () => undefined);
      events.on('error', () => undefined);
      await events.waitUntilReady();
      return { queue, events };
    })();
    opened.catch(() => {
      opened = undefined;
    });
    return opened;
  };

  return {
    /**
     * Enqueues an invitation and waits up to `waitMs` for the engine's answer. `jobId` makes a
     * repeated request (a double click, a retry) the same job. Jobs are kept a day for audits.
     */
    async invite(
      job: ManualInvitationJob,
      options: { jobId?: string; waitMs: number },
    ): Promise<InviteOutcome> {
      const { queue, events } = await open();
      const added = await queue.add('manual', job, {
        ...(options.jobId ? { jobId: options.jobId } : {}),
        attempts: 3,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: 86_400 },
        removeOnFail: { age: 7 * 86_400 },
      });
      try {
        const result = (await added.waitUntilFinished(events, options.waitMs)) as ManualInvitationResult;
        return { state: 'finished', result };
      } catch (error) {
        // Still waiting (engine busy or down): the job stays queued and is delivered later or expires.
        if (error instanceof Error && /timed out/i.test(error.message))
          return { state: 'queued', jobId: String(added.id) };
        throw error;
      }
    },

    async close(): Promise<void> {
      const current = opened;
      opened = undefined;
      if (current) {
        const { queue, events } = await current.catch(() => ({ queue: undefined, events: undefined }));
        await Promise.allSettled([events?.close(), queue?.close()]);
      }
      for (const c of connections.splice(0)) c.disconnect();
    },
  };
}
export type InvitationQueue = ReturnType<typeof invitationQueue>;
