import type { Availability } from '@floorwalker/protocol';

/** What availability needs to know about one agent (the routing state supplies it). */
export interface AgentSlots {
  /** Teams the agent belongs to. */
  teamIds: readonly string[];
  /** Online and accepting chats (not away, not offline). */
  accepting: boolean;
  /** Chats the agent is handling now. */
  activeChats: number;
  /** Most concurrent chats the agent takes. */
  maxChats: number;
}

/** Whether some agent that fits the requirement has a free chat slot. */
export function meetsAvailability(requirement: Availability, agents: readonly AgentSlots[]): boolean {
  return agents.some(
    (agent) =>
      agent.accepting &&
      agent.activeChats < agent.maxChats &&
      (requirement.type === 'any_agent' || agent.teamIds.includes(requirement.teamId)),
  );
}
