import type { AgentAvailabilityStatus, AgentStatusUpdate } from '@floorwalker/protocol';
import {
  AGENT_STALE_MS,
  type AgentPresence,
  availability,
  type Redis,
  type RedisKeys,
  type SitesRepository,
  type User,
} from '@floorwalker/store';

/** Options of {@link agentPresence}. */
export interface AgentPresenceOptions {
  redis: Redis;
  keys: RedisKeys;
  /** Where an admin's sites (all of them) are listed. */
  sites: SitesRepository;
  /** How long an admin's site list is cached, ms. Default 30 000. */
  siteListTtlMs?: number;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** A chosen availability is remembered this long (seconds) across logins. Default 30 days. */
const STATUS_TTL_SECONDS = 30 * 86_400;

/**
 * Agent presence for capacity-aware pacing, kept from the dashboard's `/agent` sockets.
 *
 * A staff member counts as an agent of their sites (every site for admins) while at least one
 * of their tabs is connected and their availability is `online` or `away`. Role `agent` starts
 * `online`; other roles start `offline` until they switch themselves available. The choice is
 * remembered per user in Redis, so every tab and every dashboard node agrees on it.
 *
 * Layout (under the deployment prefix): `agent-tabs:<userId>` zset socket id → last heartbeat;
 * `agent-status:<userId>` the chosen status. The presence itself is the store's
 * `availability().setAgent` record, refreshed by heartbeats (it counts while younger than
 * `AGENT_STALE_MS`) and removed when the user's last tab disconnects. A tab that dies without a
 * disconnect (node crash) stops refreshing and drops out after `AGENT_STALE_MS`.
 */
export function agentPresence(options: AgentPresenceOptions) {
  const { redis, keys } = options;
  const now = options.now ?? Date.now;
  const agents = availability(redis, keys);
  const tabsKey = (userId: string) => keys.key('agent-tabs', userId);
  const statusKey = (userId: string) => keys.key('agent-status', userId);
  const siteListTtlMs = options.siteListTtlMs ?? 30_000;
  let allSites: { at: number; ids: Promise<string[]> } | undefined;

  const sitesOf = async (user: User): Promise<string[]> => {
    if (user.role !== 'admin') return [...user.siteIds];
    if (!allSites || now() - allSites.at > siteListTtlMs) {
      const ids = options.sites.list().then((sites) => sites.map((s) => s.siteId));
      allSites = { at: now(), ids };
      ids.catch(() => {
        allSites = undefined;
      });
    }
    return allSites.ids;
  };

  const statusOf = async (user: User): Promise<AgentAvailabilityStatus> => {
    const stored = await redis.get(statusKey(user.userId));
    if (stored === 'online' || stored === 'away' || stored === 'offline') return stored;
    return user.role === 'agent' ? 'online' : 'offline';
  };

  /** Writes (or removes) the user's presence on each of their sites. */
  const publish = async (user: User, status: AgentAvailabilityStatus, siteIds: readonly string[]) => {
    const at = now();
    await Promise.all(
      siteIds.map(async (siteId) => {
        if (status === 'offline') return agents.removeAgent(siteId, user.userId);
        // Keep the open chat count another writer (chat routing) maintains.
        const current = (await agents.listAgents(siteId, at)).find((a) => a.agentId === user.userId);
        const presence: AgentPresence = {
          agentId: user.userId,
          name: user.name,
          teams: user.teams,
          maxChats: user.maxChats,
          activeChats: current?.activeChats ?? 0,
          status,
          lastSeenAt: at,
        };
        await agents.setAgent(siteId, presence);
      }),
    );
  };

  const touchTab = (socketId: string, userId: string) =>
    redis
      .multi()
      .zadd(tabsKey(userId), now(), socketId)
      .pexpire(tabsKey(userId), AGENT_STALE_MS * 2)
      .exec();

  const current = async (user: User): Promise<AgentStatusUpdate> => {
    const [status, siteIds] = await Promise.all([statusOf(user), sitesOf(user)]);
    return { status, siteIds };
  };

  return {
    /** The user's current availability and the sites it counts for. */
    current,

    /** A tab connected: counts it and (re)publishes the user's presence. */
    async connected(socketId: string, user: User): Promise<AgentStatusUpdate> {
      await touchTab(socketId, user.userId);
      const update = await current(user);
      await publish(user, update.status, update.siteIds);
      return update;
    },

    /** The user chose an availability (from any tab): remembered and published at once. */
    async setStatus(user: User, status: AgentAvailabilityStatus): Promise<AgentStatusUpdate> {
      await redis.set(statusKey(user.userId), status, 'EX', STATUS_TTL_SECONDS);
      const siteIds = await sitesOf(user);
      await publish(user, status, siteIds);
      return { status, siteIds };
    },

    /** Refreshes the tabs of this node and the presence of their users (one record per user). */
    async heartbeat(tabs: readonly { socketId: string; user: User }[]): Promise<void> {
      const users = new Map<string, User>();
      for (const tab of tabs) {
        await touchTab(tab.socketId, tab.user.userId);
        users.set(tab.user.userId, tab.user);
      }
      for (const user of users.values()) {
        const update = await current(user);
        if (update.status !== 'offline') await publish(user, update.status, update.siteIds);
      }
    },

    /**
     * A tab disconnected: when it was the user's last live tab (on any node), the user's
     * presence is removed from their sites. Returns true when it was removed.
     */
    async disconnected(socketId: string, user: User): Promise<boolean> {
      const results = await redis
        .multi()
        .zrem(tabsKey(user.userId), socketId)
        .zremrangebyscore(tabsKey(user.userId), 0, now() - AGENT_STALE_MS)
        .zcard(tabsKey(user.userId))
        .exec();
      const left = Number(results?.[2]?.[1] ?? 0);
      if (left > 0) return false;
      // A tab connecting at this very moment republishes on its connect or next heartbeat.
      const siteIds = await sitesOf(user);
      await Promise.all(siteIds.map((siteId) => agents.removeAgent(siteId, user.userId)));
      return true;
    },
  };
}
export type AgentPresenceTracker = ReturnType<typeof agentPresence>;
