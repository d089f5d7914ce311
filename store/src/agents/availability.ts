import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.ts';

/** An agent's live presence on one site, kept by the dashboard's `/agent` socket. */
export interface AgentPresence {
  agentId: string;
  name: string;
  avatarUrl?: string;
  teams: string[];
  /** Concurrent chats the agent can take. */
  maxChats: number;
  /** Chats the agent has open now. */
  activeChats: number;
  /** `online` takes chats; `away` is connected but not taking chats. */
  status: 'online' | 'away';
  /** Refreshed by the agent's socket heartbeat, epoch ms. */
  lastSeenAt: number;
}

/** Capacity of a site (optionally one team) at one moment, for capacity-aware pacing. */
export interface Capacity {
  onlineAgents: number;
  freeSlots: number;
  /** Invitations shown and not yet answered or expired. */
  openInvitations: number;
  /** Chats requested and not yet taken by an agent. */
  waitingChats: number;
}

/** An agent counts as online while its heartbeat is younger than this. Default 60 s. */
export const AGENT_STALE_MS = 60_000;

/**
 * Agent availability, open invitations and waiting chats in Redis. Written by the dashboard
 * (agents), the engine (invitations) and the chat service (waiting chats); read by pacing.
 */
export function availability(redis: Redis, keys: RedisKeys) {
  const agentsKey = (siteId: string) => keys.key('agents', siteId);
  const openKey = (siteId: string) => keys.key('invites-open', siteId);
  const waitingKey = (siteId: string) => keys.key('chats-waiting', siteId);

  async function listAgents(siteId: string, now = Date.now()): Promise<AgentPresence[]> {
    const all = await redis.hvals(agentsKey(siteId));
    return all
      .map((text) => JSON.parse(text) as AgentPresence)
      .filter((a) => now - a.lastSeenAt < AGENT_STALE_MS);
  }

  return {
    async setAgent(siteId: string, agent: AgentPresence): Promise<void> {
      await redis.hset(agentsKey(siteId), agent.agentId, JSON.stringify(agent));
    },
    async removeAgent(siteId: string, agentId: string): Promise<void> {
      await redis.hdel(agentsKey(siteId), agentId);
    },
    listAgents,
    /** Marks an invitation as open (shown, unanswered) until `expiresAt`. */
    async openInvitation(siteId: string, invitationId: string, expiresAt: number): Promise<void> {
      await redis.zadd(openKey(siteId), expiresAt, invitationId);
    },
    async closeInvitation(siteId: string, invitationId: string): Promise<void> {
      await redis.zrem(openKey(siteId), invitationId);
    },
    async addWaitingChat(siteId: string, chatId: string, at = Date.now()): Promise<void> {
      await redis.zadd(waitingKey(siteId), at, chatId);
    },
    async removeWaitingChat(siteId: string, chatId: string): Promise<void> {
      await redis.zrem(waitingKey(siteId), chatId);
    },
    /** Free slots of online agents (of `team` when given), open invitations and waiting chats. */
    async capacity(siteId: string, team?: string, now = Date.now()): Promise<Capacity> {
      // One round trip: it sits on the path from a trigger's threshold to the invitation.
      const results =
        (await redis
          .pipeline()
          .hvals(agentsKey(siteId))
          .zremrangebyscore(openKey(siteId), 0, now)
          .zcard(openKey(siteId))
          .zcard(waitingKey(siteId))
          .exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      const [agentTexts, , openInvitations, waitingChats] = results.map(([, value]) => value) as [
        string[],
        number,
        number,
        number,
      ];
      const agents = agentTexts
        .map((text) => JSON.parse(text) as AgentPresence)
        .filter(
          (a) =>
            now - a.lastSeenAt < AGENT_STALE_MS && a.status === 'online' && (!team || a.teams.includes(team)),
        );
      return {
        onlineAgents: agents.length,
        freeSlots: agents.reduce((sum, a) => sum + Math.max(0, a.maxChats - a.activeChats), 0),
        openInvitations: Number(openInvitations),
        waitingChats: Number(waitingChats),
      };
    },
    /**
     * Keys of the site's open invitations (zset id → expiry) and waiting chats (zset id → time),
     * for scripts that check and take a slot atomically (the invitation claim).
     */
    pacingKeys: (siteId: string) => ({ open: openKey(siteId), waiting: waitingKey(siteId) }),
  };
}
export type Availability = ReturnType<typeof availability>;

/** Capacity-aware pacing: invite only while free slots exceed open invitations plus waiting chats. */
export function hasRoomForInvitation(c: Capacity): boolean {
  return c.freeSlots > c.openInvitations + c.waitingChats;
}
