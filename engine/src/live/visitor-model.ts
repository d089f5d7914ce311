import type { VisitorState } from '@floorwalker/protocol';
import { isPageViewOpen } from '@floorwalker/store';

/** What the engine remembers of one page view (one tab's page) of the current session. */
export interface PageViewMeta {
  id: string;
  url: string;
  path: string;
  title: string;
  /** Server time of its `page_view` (or of its first event when the page view was missed). */
  enteredAt: number;
  /** Latest event of this page view other than `page_leave`. */
  lastSeenAt: number;
  /** Latest activity (not a background heartbeat) on this page view. */
  lastActiveAt: number;
  /** Time of its `page_leave` (0 = none). Open while `closedAt < lastSeenAt` or no leave. */
  closedAt: number;
  /** A `checkout_started` happened on this page view. */
  checkoutStarted: boolean;
  /** Deepest scroll, percent. */
  scrollDepth: number;
}

/** Engine bookkeeping stored beside the public state (field `meta` of the live record). */
export interface VisitorMeta {
  pageViews: PageViewMeta[];
  /** Ids of recently applied events: redelivered or duplicated events are applied once. */
  seen: string[];
  /** serverTs of the first page view of the session (its referrer and utm describe the visit). */
  firstPageAt: number;
  /** serverTs of the session's last purchase: older cart events no longer count. */
  cartResetAt: number;
  /** When presence became `left` (0 while present). */
  leftAt: number;
  /**
   * Set by chat invitation and routing (later issues): status shows `invited` / `chatting`
   * while set. Epoch ms or 0.
   */
  marks: { invitedAt: number; chattingSince: number };
}

/** A visitor's full live model: public state plus bookkeeping. */
export interface VisitorModel {
  state: VisitorState;
  meta: VisitorMeta;
}

export const SEEN_LIMIT = 300;
export const PAGE_VIEW_LIMIT = 30;
export const RECENT_EVENTS_LIMIT = 20;

export function emptyMeta(): VisitorMeta {
  return {
    pageViews: [],
    seen: [],
    firstPageAt: 0,
    cartResetAt: 0,
    leftAt: 0,
    marks: { invitedAt: 0, chattingSince: 0 },
  };
}

/** Parses stored bookkeeping; tolerant of older or partial shapes. */
export function decodeMeta(text: string): VisitorMeta {
  try {
    const parsed = JSON.parse(text) as Partial<VisitorMeta>;
    const empty = emptyMeta();
    return {
      ...empty,
      ...parsed,
      pageViews: Array.isArray(parsed.pageViews) ? parsed.pageViews : [],
      seen: Array.isArray(parsed.seen) ? parsed.seen : [],
      marks: { ...empty.marks, ...(parsed.marks ?? {}) },
    };
  } catch {
    return emptyMeta();
  }
}

/** Open while it has no `page_leave` or was heard from after it. */
export const isOpen: (pv: PageViewMeta) => boolean = isPageViewOpen;
