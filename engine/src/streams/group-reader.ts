import type { Redis } from '@floorwalker/store';
import type { EngineLogger } from '../logger.ts';
import type { Backoff } from './backoff.ts';

/** One entry read from a stream through a consumer group. */
export interface StreamMessage {
  stream: string;
  id: string;
  /** The entry's body field (`e` unless {@link GroupReaderOptions.field} says otherwise); undefined when missing or deleted. */
  body: string | undefined;
}

/** Options of {@link GroupReader}. */
export interface GroupReaderOptions {
  /** A connection of its own: XREADGROUP BLOCK holds it while waiting. */
  blocking: Redis;
  /** A shared connection for acknowledgements (they run while a read blocks). */
  commands: Redis;
  streams: readonly string[];
  group: string;
  consumer: string;
  /** Entries pending this long at another consumer are taken over (XAUTOCLAIM), ms. Default 30000. */
  claimIdleMs?: number;
  /** How often to look for such entries, ms. Default 5000. */
  claimEveryMs?: number;
  /** Field holding each entry's body. Default `e`. */
  field?: string;
}

type RawEntry = [id: string, fields: string[] | null];

function bodyOf(fields: string[] | null, field: string): string | undefined {
  if (!fields) return undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === field) return fields[i + 1];
  return undefined;
}

const key = (m: { stream: string; id: string }) => `${m.stream} ${m.id}`;

/**
 * Reads a set of streams through one consumer group with at-least-once delivery:
 * first the entries this consumer already holds (after a restart under the same name),
 * then entries of consumers that stopped acknowledging (XAUTOCLAIM), then new ones.
 * Entries stay pending until {@link ack}; an entry handed out is not handed out again
 * by this reader until it is acknowledged or {@link release}d.
 */
export class GroupReader {
  readonly streams: readonly string[];
  readonly group: string;
  readonly consumer: string;
  private readonly redis: Redis;
  private readonly commands: Redis;
  private readonly claimIdleMs: number;
  private readonly claimEveryMs: number;
  private readonly field: string;
  /** Per stream: cursor into our own pending entries, or undefined once they are all read. */
  private readonly ownCursor = new Map<string, string>();
  private readonly claimCursor = new Map<string, string>();
  private nextClaimAt = 0;
  private readonly held = new Set<string>();
  /** Entries taken over from other consumers so far. */
  claimed = 0;

  constructor(options: GroupReaderOptions) {
    this.redis = options.blocking;
    this.commands = options.commands;
    this.streams = options.streams;
    this.group = options.group;
    this.consumer = options.consumer;
    this.claimIdleMs = options.claimIdleMs ?? 30_000;
    this.claimEveryMs = options.claimEveryMs ?? 5_000;
    this.field = options.field ?? 'e';
    for (const s of this.streams) {
      this.ownCursor.set(s, '0');
      this.claimCursor.set(s, '0-0');
    }
  }

  /** Creates the group on every stream (and the stream itself), reading from the start. */
  async ensureGroups(): Promise<void> {
    for (const stream of this.streams) {
      try {
        await this.commands.xgroup('CREATE', stream, this.group, '0', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
    }
  }

  /** Entries currently handed out and not yet acknowledged. */
  get holding(): number {
    return this.held.size;
  }

  /**
   * Up to about `count` entries; waits up to `blockMs` for new ones when there is nothing
   * pending or to reclaim. Returns [] on timeout.
   */
  async read(count: number, blockMs: number): Promise<StreamMessage[]> {
    const own = await this.readOwnPending(count);
    if (own.length > 0) return own;
    if (Date.now() >= this.nextClaimAt) {
      this.nextClaimAt = Date.now() + this.claimEveryMs;
      const claimed = await this.claim(count);
      if (claimed.length > 0) return claimed;
    }
    const perStream = Math.max(1, Math.ceil(count / this.streams.length));
    const reply = (await this.redis.xreadgroup(
      'GROUP',
      this.group,
      this.consumer,
      'COUNT',
      perStream,
      'BLOCK',
      Math.max(1, Math.floor(blockMs)),
      'STREAMS',
      ...this.streams,
      ...this.streams.map(() => '>'),
    )) as [string, RawEntry[]][] | null;
    return this.take(reply ?? []);
  }

  private async readOwnPending(count: number): Promise<StreamMessage[]> {
    const streams = this.streams.filter((s) => this.ownCursor.has(s));
    if (streams.length === 0) return [];
    const reply = (await this.redis.xreadgroup(
      'GROUP',
      this.group,
      this.consumer,
      'COUNT',
      Math.max(1, Math.ceil(count / streams.length)),
      'STREAMS',
      ...streams,
      ...streams.map((s) => this.ownCursor.get(s) ?? '0'),
    )) as [string, RawEntry[]][] | null;
    const byStream = new Map((reply ?? []).map(([s, entries]) => [s, entries]));
    for (const s of streams) {
      const entries = byStream.get(s) ?? [];
      const last = entries.at(-1);
      if (last) this.ownCursor.set(s, last[0]);
      else this.ownCursor.delete(s);
    }
    return this.take(reply ?? []);
  }

  private async claim(count: number): Promise<StreamMessage[]> {
    const out: StreamMessage[] = [];
    for (const stream of this.streams) {
      const reply = (await this.redis.xautoclaim(
        stream,
        this.group,
        this.consumer,
        this.claimIdleMs,
        this.claimCursor.get(stream) ?? '0-0',
        'COUNT',
        Math.max(1, count),
      )) as [string, RawEntry[], string[]?];
      this.claimCursor.set(stream, reply[0]);
      const taken = this.take([[stream, reply[1]]]);
      this.claimed += taken.length;
      out.push(...taken);
    }
    return out;
  }

  private take(reply: [string, RawEntry[]][]): StreamMessage[] {
    const out: StreamMessage[] = [];
    for (const [stream, entries] of reply) {
      for (const [id, fields] of entries) {
        const message = { stream, id, body: bodyOf(fields, this.field) };
        const k = key(message);
        // Our own entry, idle because ClickHouse is slow, came back through XAUTOCLAIM: skip it.
        if (this.held.has(k)) continue;
        this.held.add(k);
        out.push(message);
      }
    }
    return out;
  }

  /** Acknowledges entries (they are done for this group). */
  async ack(messages: readonly StreamMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const pipeline = this.commands.pipeline();
    for (const [stream, ids] of groupByStream(messages)) {
      for (let i = 0; i < ids.length; i += 5000) pipeline.xack(stream, this.group, ...ids.slice(i, i + 5000));
    }
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    this.release(messages);
  }

  /**
   * Resets the idle time of entries still being worked on (a long ClickHouse outage), so other
   * engines do not take them over while this one is alive.
   */
  async touch(messages: readonly StreamMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const pipeline = this.commands.pipeline();
    for (const [stream, ids] of groupByStream(messages)) {
      for (let i = 0; i < ids.length; i += 5000) {
        pipeline.xclaim(stream, this.group, this.consumer, 0, ...ids.slice(i, i + 5000), 'JUSTID');
      }
    }
    await pipeline.exec();
  }

  /** Forgets entries handed out but not acknowledged (they stay pending in Redis). */
  release(messages: readonly StreamMessage[]): void {
    for (const m of messages) this.held.delete(key(m));
  }
}

function groupByStream(messages: readonly StreamMessage[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of messages) {
    const ids = out.get(m.stream);
    if (ids) ids.push(m.id);
    else out.set(m.stream, [m.id]);
  }
  return out;
}

/**
 * Creates the reader's consumer groups, retrying with `retry` while Redis refuses (down, loading)
 * and logging as `name`. False when `signal` stopped it first.
 */
export async function ensureGroupsWithRetry(
  reader: GroupReader,
  retry: Backoff,
  signal: AbortSignal,
  log: EngineLogger,
  name: string,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await reader.ensureGroups();
      return true;
    } catch (error) {
      log.warn({ err: (error as Error).message }, `${name}: cannot create consumer groups yet`);
      if (!(await retry.wait(attempt, signal))) return false;
    }
  }
}
