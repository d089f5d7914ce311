import { type AgentPresence, availability, hasRoomForInvitation } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRedis, type TestRedis } from '../../../test/helpers/stores.ts';

describe('agent availability and pacing', () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await openTestRedis();
  });
  afterAll(() => t.cleanup());

  const agent = (id: string, over: Partial<AgentPresence> = {}): AgentPresence => ({
    agentId: id,
    name: id,
    teams: ['sales'],
    maxChats: 2,
    activeChats: 0,
    status: 'online',
    lastSeenAt: Date.now(),
    ...over,
  });

  it('counts free slots of online agents only, per team when asked', async () => {
    const a = availability(t.redis, t.keys);
    await a.setAgent('s1', agent('ann', { activeChats: 1 }));
    await a.setAgent('s1', agent('bob', { teams: ['support'], maxChats: 3 }));
    await a.setAgent('s1', agent('cat', { status: 'away' }));
    await a.setAgent('s1', agent('dan', { lastSeenAt: Date.now() - 120_000 }));
    expect(await a.capacity('s1')).toMatchObject({ onlineAgents: 2, freeSlots: 4 });
    expect(await a.capacity('s1', 'sales')).toMatchObject({ onlineAgents: 1, freeSlots: 1 });
  });

  it('paces invitations against open invitations and waiting chats, dropping expired ones', async () => {
    const a = availability(t.redis, t.keys);
    await a.setAgent('s2', agent('eve', { maxChats: 2 }));
    expect(hasRoomForInvitation(await a.capacity('s2'))).toBe(true);
    await a.openInvitation('s2', 'i1', Date.now() + 60_000);
    expect(hasRoomForInvitation(await a.capacity('s2'))).toBe(true);
    await a.addWaitingChat('s2', 'c1');
    expect(hasRoomForInvitation(await a.capacity('s2'))).toBe(false);
    await a.removeWaitingChat('s2', 'c1');
    await a.openInvitation('s2', 'old', Date.now() - 1);
    const c = await a.capacity('s2');
    expect(c.openInvitations).toBe(1);
    expect(hasRoomForInvitation(c)).toBe(true);
  });
});
