import type { VisitorState } from './visitor-state.ts';

/** Staff namespace `/agent` (dashboard server), server → browser. Rooms: `site:<siteId>`. */
export interface AgentServerToClientEvents {
  /** A visitor's state changed (page, cart, presence, status). */
  'visitor:update': (state: VisitorState) => void;
  /** A visitor left and their state expired. */
  'visitor:left': (payload: { siteId: string; visitorId: string }) => void;
  /** A request was rejected (bad payload or not allowed). */
  error: (payload: { code: string; message: string }) => void;
  /**
   * The staff member's chat availability changed (this tab or another of theirs). Sent once
   * after connecting too. Room: `staffRoom(userId)`.
   */
  'agent:status': (payload: AgentStatusUpdate) => void;
}

/**
 * A staff member's chat availability: `online` takes chats, `away` is connected but takes none,
 * `offline` is not counted as an agent at all (the default for roles other than agent).
 */
export type AgentAvailabilityStatus = 'online' | 'away' | 'offline';

/** Payload of the server's `agent:status` event. */
export interface AgentStatusUpdate {
  status: AgentAvailabilityStatus;
  /** Sites the availability counts for. */
  siteIds: string[];
}

/** The answer to `site:watch`. */
export interface SiteWatchResult {
  ok: boolean;
  /** Visitors online now (not left), most recently seen first. */
  visitors?: VisitorState[];
  /** Server clock, epoch ms, so the board can tick times on page without clock skew. */
  serverTime?: number;
  /** An error code (`FW_SOCKET_...`) when `ok` is false. */
  error?: string;
}

/** Staff namespace `/agent`, browser → server. */
export interface AgentClientToServerEvents {
  /** Start receiving live updates of one site (must be one of the user's sites). */
  'site:watch': (payload: { siteId: string }, ack: (result: SiteWatchResult) => void) => void;
  /** Stop receiving a site's live updates. */
  'site:unwatch': (payload: { siteId: string }) => void;
  /** Sets the staff member's chat availability (all their tabs follow). */
  'agent:status': (
    payload: { status: AgentAvailabilityStatus },
    ack: (result: { ok: boolean; status?: AgentAvailabilityStatus; error?: string }) => void,
  ) => void;
}

/** Room of one site's staff on `/agent`. */
export const siteRoom = (siteId: string) => `site:${siteId}`;
/** Room of one staff member's tabs on `/agent` (availability changes follow them across tabs). */
export const staffRoom = (userId: string) => `staff:${userId}`;
/** Room of one visitor's tabs on `/visitor`. */
export const visitorRoom = (siteId: string, visitorId: string) => `visitor:${siteId}:${visitorId}`;
