import type { AgentClientToServerEvents, AgentServerToClientEvents } from '@floorwalker/protocol';
import type { User } from '@floorwalker/store';
import type { Namespace, Server, Socket } from 'socket.io';

/** What the namespace keeps per connected tab (`socket.data`). */
export interface AgentSocketData {
  user: User;
  /** The session the tab logged in with; re-checked on every heartbeat. */
  sessionId: string;
  /** Sites this tab watches now. */
  watching: Set<string>;
}

// biome-ignore lint/complexity/noBannedTypes: socket.io's "no inter-server events" is `{}`.
type NoInterServerEvents = {};

export type AgentServer = Server<
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  NoInterServerEvents,
  AgentSocketData
>;
export type AgentNamespace = Namespace<
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  NoInterServerEvents,
  AgentSocketData
>;
export type AgentSocket = Socket<
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  NoInterServerEvents,
  AgentSocketData
>;
