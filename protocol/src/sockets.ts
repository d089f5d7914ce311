import type { VisitorState } from './visitor-state.ts';

/** Staff namespace `/agent` (dashboard server), server → browser. Rooms: `site:<siteId>`. */
export interface AgentServerToClientEvents {
  /** A visitor's state changed (page, cart, presence, status). */
  'visitor:update': (state: VisitorState) => void;
  /** A visitor left and their state expired. */
  'visitor:left': (payload: { siteId: string; visitorId: string }) => void;
  /** A request was rejected (bad payload or not allowed). */
  error: (payload: { code: string; message: string }) => void;
}

/** Staff namespace `/agent`, browser → server. */
export interface AgentClientToServerEvents {
  /** Start receiving live updates of one site (must be one of the user's sites). */
  'site:watch': (payload: { siteId: string }, ack: (result: { ok: boolean; visitors?: VisitorState[]; error?: string }) => void) => void;
}

/** Room of one site's staff on `/agent`. */
export const siteRoom = (siteId: string) => `site:${siteId}`;
/** Room of one visitor's tabs on `/visitor`. */
export const visitorRoom = (siteId: string, visitorId: string) => `visitor:${siteId}:${visitorId}`;
