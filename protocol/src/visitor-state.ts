import { z } from 'zod';

/**
 * A visitor's live state, kept by the engine in Redis and pushed to the dashboard.
 * Multiple tabs of one visitor are one state.
 */
export const visitorStatus = z.enum(['browsing', 'checkout', 'idle', 'invited', 'chatting', 'left']);
export type VisitorStatus = z.infer<typeof visitorStatus>;

export const presence = z.enum(['online', 'idle', 'left']);
export type Presence = z.infer<typeof presence>;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const visitorState = z.object({
  siteId: z.string(),
  visitorId: z.string(),
  sessionId: z.string(),
  /** Derived for the board: checkout when on a checkout/cart step, invited/chatting from later issues. */
  status: visitorStatus,
  presence,
  currentPage: z.object({
    pageViewId: z.string(),
    url: z.string(),
    path: z.string(),
    title: z.string(),
    /** Server time the page view started, epoch ms. */
    enteredAt: z.number(),
    /**
     * When the page's tab said goodbye (`page_leave` on pagehide), epoch ms; absent while the
     * page is open. Set while the visitor is between pages (the next page view not seen yet) or
     * gone: no trigger decides on a page that was left.
     */
    leftAt: z.number().optional(),
  }),
  /** Epoch ms (server-corrected) of the session's first event. */
  sessionStartedAt: z.number(),
  /** Last event showing the visitor was active (not a background heartbeat), epoch ms. */
  lastActivityAt: z.number(),
  /** Last event of any kind, epoch ms. */
  lastSeenAt: z.number(),
  pagesThisSession: z.number().int(),
  visitCount: z.number().int(),
  returning: z.boolean(),
  referrer: z.string(),
  utm: z.object({
    source: z.string(),
    medium: z.string(),
    campaign: z.string(),
    term: z.string(),
    content: z.string(),
  }),
  device: z.string(),
  browser: z.string(),
  os: z.string(),
  country: z.string(),
  language: z.string(),
  cart: z.object({ value: z.number(), currency: z.string(), items: z.number().int() }),
  /** Deepest scroll on the current page, percent. */
  scrollDepth: z.number(),
  /** Engaged (visible and focused) ms this session. */
  engagedMs: z.number(),
  /** Open tabs (page views seen alive in the last minute). */
  tabs: z.number().int(),
  identified: z.record(z.string(), scalar),
  /** Recent custom and shop events of this session, newest last (bounded), for trigger conditions. */
  recentEvents: z.array(
    z.object({ type: z.string(), name: z.string(), ts: z.number(), props: z.record(z.string(), scalar) }),
  ),
  /** Set once a purchase happened this session. */
  purchased: z.boolean(),
  /**
   * Epoch ms of the last exit-intent signal from the snippet (pointer leaving towards the tab bar,
   * fast scroll up on mobile), if any. Trigger conditions count it only when it is not older than
   * the current page view.
   */
  exitIntentAt: z.number().optional(),
});
export type VisitorState = z.infer<typeof visitorState>;
