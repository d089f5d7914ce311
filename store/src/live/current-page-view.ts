/** What choosing a visitor's current page needs to know of each of their page views (tabs). */
export interface PageViewTimes {
  /** Server time the page view started, epoch ms. */
  enteredAt: number;
  /** Latest event of this page view other than `page_leave`. */
  lastSeenAt: number;
  /** Latest activity (not a background heartbeat) on this page view. */
  lastActiveAt: number;
  /** Time of its `page_leave` (0 = none). */
  closedAt: number;
}

/** A page view is open while it has no `page_leave`, or was heard from after it (bfcache, reconnect). */
export function isPageViewOpen(pv: PageViewTimes): boolean {
  return pv.closedAt === 0 || pv.lastSeenAt > pv.closedAt;
}

/**
 * The page view a visitor is looking at: the most recently active open one (several tabs), or,
 * when all were left, the most recently active of those. One rule for the engine's live state
 * and the dashboard's backtest replay, so a backtest sees the page the engine would have seen.
 */
export function currentPageView<T extends PageViewTimes>(pageViews: Iterable<T>): T | undefined {
  let best: T | undefined;
  let bestOpen = false;
  for (const pv of pageViews) {
    const open = isPageViewOpen(pv);
    if (
      !best ||
      (open && !bestOpen) ||
      (open === bestOpen &&
        (pv.lastActiveAt > best.lastActiveAt ||
          (pv.lastActiveAt === best.lastActiveAt && pv.enteredAt > best.enteredAt)))
    ) {
      best = pv;
      bestOpen = open;
    }
  }
  return best;
}
