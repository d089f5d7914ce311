import { createHash } from 'node:crypto';
import { QUEUES } from '@floorwalker/protocol';
import type { Redis, RedisKeys } from '@floorwalker/store';
import { Queue } from 'bullmq';

/** A delayed re-check of one visitor, because of one trigger's time condition on one page view. */
export interface CheckJobData {
  kind: 'check';
  siteId: string;
  visitorId: string;
  /** The page view the check belongs to: another page view by then makes the check a no-op. */
  pageViewId: string;
  triggerId: string;
  /** Epoch ms the check is for. */
  dueAt: number;
}

/** Withdraws an invitation nobody answered. */
export interface ExpireJobData {
  kind: 'expire';
  invitationId: string;
  expiresAt: number;
}

export type TriggerJobData = CheckJobData | ExpireJobData;

/** Deterministic job id: the same check scheduled twice (two changes, two engines, a retry) is one job. */
export function checkJobId(d: Omit<CheckJobData, 'kind'>): string {
  const text = `${d.siteId}\u0000${d.visitorId}\u0000${d.triggerId}\u0000${d.pageViewId}\u0000${d.dueAt}`;
  return `chk-${createHash('sha1').update(text).digest('hex')}`;
}

export function expireJobId(invitationId: string): string {
  // BullMQ job ids must not contain `:`; invitation ids never do, but be strict.
  return `exp-${invitationId.replaceAll(':', '_')}`;
}

/** Options of {@link checkQueue}. */
export interface CheckQueueOptions {
  /** A BullMQ connection (`maxRetriesPerRequest: null`). */
  connection: Redis;
  keys: RedisKeys;
  /** Attempts of a job that throws (Redis or ClickHouse trouble). Default 8. */
  attempts?: number;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /**
   * Runs checks due within `horizonMs` on an in-process timer as well, at their exact due time.
   * The BullMQ job stays the durable copy: `fire` removes it after a successful check, and if
   * this process dies first, the job runs the same (idempotent) check on any engine.
   */
  localTimers?: {
    horizonMs: number;
    fire: (data: CheckJobData, jobId: string) => Promise<void>;
    /**
     * The BullMQ copy of a locally timed check becomes due this much later than the check, ms.
     * Without it both copies run at the same instant in every engine that armed the timer: twice
     * the Redis work at the moment latency matters, and the loser waits on the visitor's lock.
     * If the engine dies, the durable copy still runs, this much late. Default 1500.
     */
    graceMs?: number;
  };
}

const REMEMBER = 20_000;

/**
 * The producer side of `QUEUES.triggerChecks`. Remembers recently added job ids so the many
 * state changes of one visitor re-scheduling the same check cost one Redis call, not one each.
 */
export function checkQueue(options: CheckQueueOptions) {
  const now = options.now ?? Date.now;
  const queue = new Queue<TriggerJobData>(QUEUES.triggerChecks, {
    connection: options.connection,
    prefix: options.keys.bullPrefix,
    defaultJobOptions: {
      attempts: options.attempts ?? 8,
      backoff: { type: 'exponential', delay: 200 },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    },
  });
  const recent = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();
  const stats = { scheduled: 0, skipped: 0, localFired: 0 };
  let closed = false;

  const armLocalTimer = (jobId: string, data: CheckJobData) => {
    const local = options.localTimers;
    const delay = data.dueAt - now();
    if (!local || closed || timers.has(jobId)) return;
    const timer = setTimeout(
      () => {
        timers.delete(jobId);
        if (closed) return;
        stats.localFired++;
        void local.fire(data, jobId).catch(() => undefined);
      },
      Math.max(0, delay),
    );
    timer.unref();
    timers.set(jobId, timer);
  };

  const remember = (jobId: string, dueAt: number) => {
    if (recent.size >= REMEMBER) {
      const t = now();
      for (const [id, due] of recent) if (due < t) recent.delete(id);
      if (recent.size >= REMEMBER) recent.clear();
    }
    recent.set(jobId, dueAt);
  };

  return {
    queue,
    /** Schedules a check at `dueAt` (once per visitor, trigger, page view and time). */
    async scheduleCheck(data: Omit<CheckJobData, 'kind'>): Promise<void> {
      const jobId = checkJobId(data);
      if (recent.has(jobId)) {
        stats.skipped++;
        return;
      }
      const delay = Math.max(0, data.dueAt - now());
      const local = options.localTimers;
      const timed = local !== undefined && !closed && delay <= local.horizonMs;
      const grace = timed ? (local.graceMs ?? 1500) : 0;
      await queue.add('check', { kind: 'check', ...data }, { jobId, delay: delay + grace });
      remember(jobId, data.dueAt);
      if (timed) armLocalTimer(jobId, { kind: 'check', ...data });
      stats.scheduled++;
    },
    /** Schedules the expiry of an invitation. */
    async scheduleExpiry(invitationId: string, expiresAt: number): Promise<void> {
      await queue.add(
        'expire',
        { kind: 'expire', invitationId, expiresAt },
        { jobId: expireJobId(invitationId), delay: Math.max(0, expiresAt - now()) },
      );
    },
    stats: () => ({ ...stats }),
    async close(): Promise<void> {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await queue.close();
    },
  };
}
export type CheckQueue = ReturnType<typeof checkQueue>;
