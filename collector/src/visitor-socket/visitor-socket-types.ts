import type { VisitorClientToServerEvents, VisitorServerToClientEvents } from '@floorwalker/protocol';
import type { Namespace, Server, Socket } from 'socket.io';

/** What the namespace keeps per connected tab (`socket.data`). */
export interface VisitorSocketData {
  siteId: string;
  visitorId: string;
  sessionId: string;
  /** The tab's current page view (updated by `presence`). */
  pageViewId: string;
  /** Whether the tab is visible. */
  active: boolean;
}

// biome-ignore lint/complexity/noBannedTypes: socket.io's "no inter-server events" is `{}`.
type NoInterServerEvents = {};

export type VisitorServer = Server<
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
  NoInterServerEvents,
  VisitorSocketData
>;
export type VisitorNamespace = Namespace<
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
  NoInterServerEvents,
  VisitorSocketData
>;
export type VisitorSocket = Socket<
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
  NoInterServerEvents,
  VisitorSocketData
>;
