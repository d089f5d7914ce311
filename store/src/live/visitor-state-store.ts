import type { VisitorState } from '@floorwalker/protocol';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.ts';

/**
 * Live visitor state in Redis. The engine writes it; the dashboard's live board and trigger
 * evaluation read it.
 *
 * Layout (all under the deployment prefix):
 * - `live:v:<site>:<visitor>`   hash: `state` (VisitorState JSON), `meta` (engine bookkeeping,
 *                                opaque here), `rev` (revision for compare-and-set writes)
 * - `live:online:<site>`        zset visitor → lastSeenAt, every visitor not `left`
 * - `live:checkout:<site>`      set of visitors whose status is `checkout`
 * - `live:carts:<site>`         set of visitors with items in the cart, not `left`
 * - `live:due`                  zset `<site>|<visitor>` → epoch ms of its next presence check
 * - `live:memory:<site>:<visitor>` hash `visits`, `session`: survives the state for returning visitors
 * - `live:changes`              stream (field `c`, JSON {@link LiveChange}), capped, for consumers
 *                                that must see every change (trigger evaluation)
 *
 * Every write goes through one Lua script that checks the revision, so two engine instances
 * never overwrite each other's update: the loser re-reads and re-applies. (Single Redis, not
 * Redis Cluster: the script touches keys of several slots.)
 */

/** A change of live state, as appended to the changes stream. */
export type LiveChange =
  | { type: 'update'; state: VisitorState }
  | { type: 'left'; siteId: string; visitorId: string; at: number };

/** Board counters of one site. */
export interface LiveCounters {
  /** Visitors online or idle (not left). */
  online: number;
  /** Visitors whose status is `checkout`. */
  checkout: number;
  /** Visitors (not left) with items in the cart. */
  cartsOpen: number;
}

/** A stored state with the engine's bookkeeping and the revision a write must match. */
export interface LiveRecord {
  state: VisitorState;
  /** Engine bookkeeping (JSON text), opaque to readers. */
  meta: string;
  /** Revision of the stored record; 0 when none is stored. */
  rev: number;
}

/** Options of {@link LiveVisitors.commit}. */
export interface CommitOptions {
  state: VisitorState;
  meta: string;
  /** Revision read before the change; the write fails (returns undefined) when it moved. */
  expectedRev: number;
  /** Epoch ms of the next presence check by the sweep. */
  dueAt: number;
  /** Drop the whole record this many ms after the last write (safety net if no sweep runs). */
  ttlMs: number;
  /** Appended to the changes stream in the same atomic step. */
  change?: LiveChange | undefined;
}

/** Length the changes stream is trimmed to (approximately). */
export const LIVE_CHANGES_MAXLEN = 100_000;

const COMMIT = `
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if rev ~= tonumber(ARGV[1]) then return -1 end
rev = rev + 1
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'meta', ARGV[3], 'rev', rev)
redis.call('PEXPIRE', KEYS[1], ARGV[9])
local visitor = ARGV[4]
if ARGV[7] == '1' then redis.call('ZADD', KEYS[2], ARGV[8], visitor) else redis.call('ZREM', KEYS[2], visitor) end
if string.sub(ARGV[10], 1, 1) == '1' then redis.call('SADD', KEYS[3], visitor) else redis.call('SREM', KEYS[3], visitor) end
if string.sub(ARGV[10], 2, 2) == '1' then redis.call('SADD', KEYS[4], visitor) else redis.call('SREM', KEYS[4], visitor) end
redis.call('ZADD', KEYS[5], ARGV[6], ARGV[5])
if ARGV[11] ~= '' then redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[12], '*', 'c', ARGV[11]) end
return rev
`;

const REMOVE = `
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if rev ~= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[2])
redis.call('SREM', KEYS[4], ARGV[2])
redis.call('ZREM', KEYS[5], ARGV[3])
if ARGV[4] ~= '' then redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[5], '*', 'c', ARGV[4]) end
return 1
`;

type LiveRedis = Redis & {
  fwLiveCommit(...args: (string | number)[]): Promise<number>;
  fwLiveRemove(...args: (string | number)[]): Promise<number>;
};

function withScripts(redis: Redis): LiveRedis {
  const r = redis as LiveRedis;
  if (typeof r.fwLiveCommit !== 'function') {
    redis.defineCommand('fwLiveCommit', { numberOfKeys: 6, lua: COMMIT });
    redis.defineCommand('fwLiveRemove', { numberOfKeys: 6, lua: REMOVE });
  }
  return r;
}

/** Member of the `due` set for one visitor. Site and visitor ids never contain `|`. */
export function dueMember(siteId: string, visitorId: string): string {
  return `${siteId}|${visitorId}`;
}

export function parseDueMember(member: string): { siteId: string; visitorId: string } | undefined {
  const at = member.indexOf('|');
  if (at <= 0) return undefined;
  return { siteId: member.slice(0, at), visitorId: member.slice(at + 1) };
}

/** Reads (and, for the engine, writes) live visitor state. */
export function liveVisitors(redis: Redis, keys: RedisKeys) {
  const r = withScripts(redis);
  const stateKey = (siteId: string, visitorId: string) => keys.key('live', 'v', siteId, visitorId);
  const onlineKey = (siteId: string) => keys.key('live', 'online', siteId);
  const checkoutKey = (siteId: string) => keys.key('live', 'checkout', siteId);
  const cartsKey = (siteId: string) => keys.key('live', 'carts', siteId);
  const memoryKey = (siteId: string, visitorId: string) => keys.key('live', 'memory', siteId, visitorId);
  const dueKey = keys.key('live', 'due');
  const changesKey = keys.key('live', 'changes');
  const siteKeys = (siteId: string, visitorId: string) => [
    stateKey(siteId, visitorId),
    onlineKey(siteId),
    checkoutKey(siteId),
    cartsKey(siteId),
    dueKey,
    changesKey,
  ];

  const parseState = (text: string | null | undefined): VisitorState | undefined =>
    text ? (JSON.parse(text) as VisitorState) : undefined;

  return {
    /** Key of the changes stream (field `c`, JSON {@link LiveChange}). */
    changesKey,
    /** Key of the sweep schedule. */
    dueKey,

    /** One visitor's state, or undefined when unknown or expired. */
    async get(siteId: string, visitorId: string): Promise<VisitorState | undefined> {
      return parseState(await r.hget(stateKey(siteId, visitorId), 'state'));
    },

    /** The stored record with its revision (for compare-and-set updates). */
    async getRecord(siteId: string, visitorId: string): Promise<LiveRecord | undefined> {
      const [state, meta, rev] = await r.hmget(stateKey(siteId, visitorId), 'state', 'meta', 'rev');
      const parsed = parseState(state);
      if (!parsed) return undefined;
      return { state: parsed, meta: meta ?? '{}', rev: Number(rev ?? 0) };
    },

    /** Records of many visitors of one site, in order (undefined where none is stored). */
    async getRecords(siteId: string, visitorIds: readonly string[]): Promise<(LiveRecord | undefined)[]> {
      if (visitorIds.length === 0) return [];
      const pipeline = r.pipeline();
      for (const id of visitorIds) pipeline.hmget(stateKey(siteId, id), 'state', 'meta', 'rev');
      const results = (await pipeline.exec()) ?? [];
      return results.map(([error, value]) => {
        if (error) throw error;
        const [state, meta, rev] = value as (string | null)[];
        const parsed = parseState(state);
        return parsed ? { state: parsed, meta: meta ?? '{}', rev: Number(rev ?? 0) } : undefined;
      });
    },

    /**
     * Visitors of a site who have not left, most recently seen first.
     * @param limit Most visitors returned. Default 1000.
     */
    async listOnline(siteId: string, limit = 1000): Promise<VisitorState[]> {
      const ids = await r.zrevrange(onlineKey(siteId), 0, limit - 1);
      if (ids.length === 0) return [];
      const pipeline = r.pipeline();
      for (const id of ids) pipeline.hget(stateKey(siteId, id), 'state');
      const results = (await pipeline.exec()) ?? [];
      const out: VisitorState[] = [];
      for (const [error, value] of results) {
        if (error) throw error;
        const state = parseState(value as string | null);
        if (state && state.presence !== 'left') out.push(state);
      }
      return out;
    },

    /** Online now, on checkout, carts open. */
    async counters(siteId: string): Promise<LiveCounters> {
      const [online, checkout, carts] = (await r
        .multi()
        .zcard(onlineKey(siteId))
        .scard(checkoutKey(siteId))
        .scard(cartsKey(siteId))
        .exec()) ?? [
        [null, 0],
        [null, 0],
        [null, 0],
      ];
      return {
        online: Number(online?.[1] ?? 0),
        checkout: Number(checkout?.[1] ?? 0),
        cartsOpen: Number(carts?.[1] ?? 0),
      };
    },

    /**
     * Writes a record if its revision is still `expectedRev`, updating the site's online,
     * checkout and cart sets, the sweep schedule and (optionally) the changes stream in one
     * atomic step. Returns the new revision, or undefined when another writer got there first.
     */
    async commit(options: CommitOptions): Promise<number | undefined> {
      const { state } = options;
      const online = state.presence !== 'left';
      const flags = `${state.status === 'checkout' && online ? 1 : 0}${state.cart.items > 0 && online ? 1 : 0}`;
      const stateText = JSON.stringify(state);
      const { change } = options;
      // An update carries the state just serialized: the same text, not a second serialization
      // (the same JSON as JSON.stringify(change), which parseChange reads).
      const changeText = !change
        ? ''
        : change.type === 'update' && change.state === state
          ? `{"type":"update","state":${stateText}}`
          : JSON.stringify(change);
      const rev = await r.fwLiveCommit(
        ...siteKeys(state.siteId, state.visitorId),
        options.expectedRev,
        stateText,
        options.meta,
        state.visitorId,
        dueMember(state.siteId, state.visitorId),
        Math.floor(options.dueAt),
        online ? '1' : '0',
        state.lastSeenAt,
        Math.max(1000, Math.floor(options.ttlMs)),
        flags,
        changeText,
        LIVE_CHANGES_MAXLEN,
      );
      return rev < 0 ? undefined : rev;
    },

    /**
     * Removes a visitor's record (and every index entry) if its revision is still `expectedRev`
     * (pass 0 to clean up index entries of a record that already expired). True when removed.
     */
    async remove(
      siteId: string,
      visitorId: string,
      expectedRev: number,
      change?: LiveChange,
    ): Promise<boolean> {
      const done = await r.fwLiveRemove(
        ...siteKeys(siteId, visitorId),
        expectedRev,
        visitorId,
        dueMember(siteId, visitorId),
        change ? JSON.stringify(change) : '',
        LIVE_CHANGES_MAXLEN,
      );
      return done === 1;
    },

    /** Visitors whose presence check is due at or before `now` (`<site>|<visitor>` members). */
    async due(now: number, limit = 500): Promise<{ siteId: string; visitorId: string }[]> {
      const members = await r.zrangebyscore(dueKey, '-inf', now, 'LIMIT', 0, limit);
      return members.flatMap((m) => parseDueMember(m) ?? []);
    },

    /** Moves a visitor's next presence check (used when a check found nothing to change). */
    async reschedule(siteId: string, visitorId: string, at: number): Promise<void> {
      await r.zadd(dueKey, 'XX', Math.floor(at), dueMember(siteId, visitorId));
    },

    /** What we remember of a visitor beyond their live state: visits so far and their last session. */
    async memory(
      siteId: string,
      visitorId: string,
    ): Promise<{ visits: number; session: string } | undefined> {
      const [visits, session] = await r.hmget(memoryKey(siteId, visitorId), 'visits', 'session');
      if (!visits) return undefined;
      return { visits: Number(visits), session: session ?? '' };
    },

    /** Records a visit (new session) of a visitor, kept for `ttlMs`. */
    async remember(
      siteId: string,
      visitorId: string,
      visits: number,
      session: string,
      ttlMs: number,
    ): Promise<void> {
      await r
        .multi()
        .hset(memoryKey(siteId, visitorId), 'visits', visits, 'session', session)
        .pexpire(memoryKey(siteId, visitorId), Math.floor(ttlMs))
        .exec();
    },

    /** Parses one changes-stream entry's `c` field. */
    parseChange(text: string): LiveChange {
      return JSON.parse(text) as LiveChange;
    },
  };
}
export type LiveVisitors = ReturnType<typeof liveVisitors>;
