import type { Presence, VisitorStatus } from '@floorwalker/protocol';
import { currentPageView } from '@floorwalker/store';
import { isOpen, type PageViewMeta, type VisitorModel } from './visitor-model.ts';

/** Timing rules of presence. */
export interface PresenceRules {
  /** No activity for this long: idle. */
  idleMs: number;
  /** Nothing heard (not even a heartbeat) for this long: left. */
  leftMs: number;
  /**
   * After the last open tab sent `page_leave`, wait this long for the next page's `page_view`
   * (a normal navigation unloads one page before the next one loads) before calling it left.
   */
  leaveGraceMs: number;
  /** A page view counts as an open tab while heard from within this window. */
  tabAliveMs: number;
  /** How long a left visitor's state is kept. */
  stateTtlMs: number;
  /** Paths that mean checkout (cart, basket, checkout steps). */
  checkoutPath: RegExp;
}

/** Default checkout/cart path pattern: a path segment named checkout, cart or basket. */
export const DEFAULT_CHECKOUT_PATH = /(^|\/)(checkout|cart|basket)(\/|$|[.\-_])/i;

/**
 * Recomputes the time-dependent fields (presence, status, tabs, current page) of a model at
 * `now`, in place, and returns when they next need a look (the sweep's due time).
 */
export function derivePresence(model: VisitorModel, now: number, rules: PresenceRules): number {
  const { state, meta } = model;
  const open = meta.pageViews.filter(isOpen);
  const alive = open.filter((pv) => now - pv.lastSeenAt <= rules.tabAliveMs);
  const allClosedAt = open.length === 0 ? Math.max(0, ...meta.pageViews.map((pv) => pv.closedAt)) : 0;

  let presence: Presence;
  if (
    now - state.lastSeenAt >= rules.leftMs ||
    (allClosedAt > 0 && now - allClosedAt >= rules.leaveGraceMs)
  ) {
    presence = 'left';
  } else if (now - state.lastActivityAt >= rules.idleMs) {
    presence = 'idle';
  } else {
    presence = 'online';
  }
  if (presence === 'left') meta.leftAt ||= now;
  else meta.leftAt = 0;

  const current = currentPageView(meta.pageViews);
  if (current) {
    state.currentPage = {
      pageViewId: current.id,
      url: current.url,
      path: current.path,
      title: current.title,
      enteredAt: current.enteredAt,
      ...(isOpen(current) ? {} : { leftAt: current.closedAt }),
    };
    state.scrollDepth = current.scrollDepth;
  }
  state.presence = presence;
  state.tabs = alive.length;
  state.status = deriveStatus(model, presence, current, rules);

  const due: number[] = [];
  if (presence === 'left') {
    due.push(meta.leftAt + rules.stateTtlMs);
  } else {
    due.push(state.lastSeenAt + rules.leftMs);
    if (presence === 'online') due.push(state.lastActivityAt + rules.idleMs);
    if (allClosedAt > 0) due.push(allClosedAt + rules.leaveGraceMs);
    for (const pv of alive) due.push(pv.lastSeenAt + rules.tabAliveMs + 1);
  }
  return Math.max(now + 250, Math.min(...due));
}

function deriveStatus(
  model: VisitorModel,
  presence: Presence,
  current: PageViewMeta | undefined,
  rules: PresenceRules,
): VisitorStatus {
  if (presence === 'left') return 'left';
  if (model.meta.marks.chattingSince > 0) return 'chatting';
  if (model.meta.marks.invitedAt > 0) return 'invited';
  if (presence === 'idle') return 'idle';
  if (current && (current.checkoutStarted || rules.checkoutPath.test(current.path))) return 'checkout';
  return 'browsing';
}
