/**
 * Every Redis key Floorwalker uses is built here, under one prefix per deployment
 * (tests use a random one), so deployments and test runs never see each other's keys.
 */
export interface RedisKeys {
  readonly prefix: string;
  /** Number of event stream partitions. */
  readonly partitions: number;
  /** Event stream of one partition: `<prefix>:events:<n>`. */
  eventStream(partition: number): string;
  /** All event streams. */
  eventStreams(): string[];
  /** Partition of a visitor: a stable hash of the visitor id, so one visitor's events stay ordered. */
  partitionOf(visitorId: string): number;
  /** Any other key under the prefix: `key('visitor', siteId, visitorId)`. */
  key(...parts: string[]): string;
  /** Prefix for BullMQ queues (BullMQ's own `prefix` option). */
  readonly bullPrefix: string;
  /** Channel prefix of the socket.io Redis adapter/emitter. */
  readonly socketChannel: string;
}

/** FNV-1a 32-bit: small, stable across processes and languages. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function redisKeys(prefix: string, partitions = 4): RedisKeys {
  if (!/^[A-Za-z0-9_:.-]{1,64}$/.test(prefix)) throw new Error(`invalid Redis key prefix: ${prefix}`);
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 256) {
    throw new Error(`invalid stream partition count: ${partitions}`);
  }
  return {
    prefix,
    partitions,
    eventStream: (n) => `${prefix}:events:${n}`,
    eventStreams: () => Array.from({ length: partitions }, (_, n) => `${prefix}:events:${n}`),
    partitionOf: (visitorId) => fnv1a(visitorId) % partitions,
    key: (...parts) => [prefix, ...parts].join(':'),
    bullPrefix: `${prefix}:bull`,
    socketChannel: `${prefix}:socket.io`,
  };
}
