import type { VisitorState } from '@floorwalker/protocol';
import { currentPageView, isPageViewOpen } from '@floorwalker/store';
import type { RecordedEvent } from './read-backtest-events.ts';

/**
 * How long a visitor counts as present after the last thing heard from an open page: two
 * heartbeat intervals of the snippet (15 s each). Recorded events are all the backtest has; a tab
 * that went quiet without a `page_leave` is taken as gone after this.
 */
export const PRESENT_AFTER_LAST_EVENT_MS = 30_000;

/** Events the trigger conditions can count (`event` conditions), as the engine keeps them. */
const COUNTED_EVENTS = new Set(['custom', 'add_to_cart', 'remove_from_cart', 'checkout_started', 'purchase']);
/** As many recent events as the engine's live state keeps. */
const RECENT_EVENTS_LIMIT = 20;
const CHECKOUT_PATH = /(^|\/)(checkout|cart|basket)(\/|$|[.\-_])/i;

interface PageView {
  id: string;
  url: string;
  path: string;
  title: string;
  enteredAt: number;
  lastSeenAt: number;
  lastActiveAt: number;
  closedAt: number;
  scrollDepth: number;
}

/** Visitor facts that outlive a session (the engine carries them into the next one). */
export interface CarriedFacts {
  identified: VisitorState['identified'];
  cart: VisitorState['cart'];
  language: string;
}

/**
 * One session of one visitor rebuilt from recorded events, step by step, into the same
 * `VisitorState` the engine keeps live, so the trigger evaluator sees what it would have seen.
 *
 * It mirrors the engine's live reducer on what ClickHouse records: page views (several tabs:
 * the current page is the most recently active open one), time on page and site, activity for
 * idle (heartbeats count as presence only: whether a tab was focused is not recorded), cart from
 * shop events, custom events with properties, UTM and referrer of the first page, identified
 * traits, scroll depth. Exit intent arrives over the visitor socket and is not recorded, so
 * exit-intent conditions never hold in a backtest.
 */
export class SessionReplay {
  readonly state: VisitorState;
  private readonly pages = new Map<string, PageView>();
  private firstPageAt = 0;

  constructor(
    siteId: string,
    visitorId: string,
    first: RecordedEvent,
    visitCount: number,
    carried?: CarriedFacts,
  ) {
    this.state = {
      siteId,
      visitorId,
      sessionId: first.sessionId,
      status: 'browsing',
      presence: 'online',
      currentPage: {
        pageViewId: first.pageViewId,
        url: first.url,
        path: first.path,
        title: first.title,
        enteredAt: first.ts,
      },
      sessionStartedAt: first.ts,
      lastActivityAt: first.ts,
      lastSeenAt: first.ts,
      pagesThisSession: 0,
      visitCount,
      returning: visitCount > 1,
      referrer: '',
      utm: { source: '', medium: '', campaign: '', term: '', content: '' },
      device: first.device,
      browser: first.browser,
      os: first.os,
      country: first.country,
      language: carried?.language ?? '',
      cart: carried ? { ...carried.cart } : { value: 0, currency: '', items: 0 },
      scrollDepth: 0,
      engagedMs: 0,
      tabs: 0,
      identified: carried ? { ...carried.identified } : {},
      recentEvents: [],
      purchased: false,
    };
  }

  /** What the next session of this visitor starts with. */
  carried(): CarriedFacts {
    return { identified: this.state.identified, cart: this.state.cart, language: this.state.language };
  }

  /** Applies the next recorded event (events arrive in time order). */
  apply(e: RecordedEvent): void {
    const state = this.state;
    state.lastSeenAt = Math.max(state.lastSeenAt, e.ts);
    const activity =
      e.type === 'engagement' ? e.engagedMs > 0 : e.type !== 'heartbeat' && e.type !== 'page_leave';
    if (activity) state.lastActivityAt = Math.max(state.lastActivityAt, e.ts);
    if (e.device) state.device = e.device;
    if (e.browser) state.browser = e.browser;
    if (e.os) state.os = e.os;
    if (e.country) state.country = e.country;

    let pv = this.pages.get(e.pageViewId);
    if (!pv) {
      pv = {
        id: e.pageViewId,
        url: e.url,
        path: e.path,
        title: e.title,
        enteredAt: e.ts,
        lastSeenAt: 0,
        lastActiveAt: 0,
        closedAt: 0,
        scrollDepth: 0,
      };
      this.pages.set(e.pageViewId, pv);
    }
    if (e.type === 'page_leave') pv.closedAt = Math.max(pv.closedAt, e.ts);
    else {
      pv.lastSeenAt = Math.max(pv.lastSeenAt, e.ts);
      if (activity) pv.lastActiveAt = Math.max(pv.lastActiveAt, e.ts);
    }
    if (e.title) pv.title = e.title;

    switch (e.type) {
      case 'page_view':
        pv.enteredAt = Math.min(pv.enteredAt, e.ts);
        pv.url = e.url;
        pv.path = e.path;
        state.pagesThisSession++;
        if (e.language) state.language = e.language;
        if (this.firstPageAt === 0) {
          this.firstPageAt = e.ts;
          state.referrer = e.referrer;
          state.utm = { ...e.utm };
        }
        break;
      case 'engagement':
        state.engagedMs += e.engagedMs;
        pv.scrollDepth = Math.max(pv.scrollDepth, e.scrollDepth);
        break;
      case 'identify':
        Object.assign(state.identified, e.props);
        break;
      case 'add_to_cart':
      case 'remove_from_cart':
      case 'checkout_started':
      case 'purchase':
        this.applyCart(e);
        break;
      default:
        break;
    }

    if (COUNTED_EVENTS.has(e.type)) {
      const props: VisitorState['recentEvents'][number]['props'] = { ...e.props };
      if (e.value !== 0) props.value = e.value;
      if (e.currency) props.currency = e.currency;
      if (e.sku) props.sku = e.sku;
      if (e.quantity > 0) props.quantity = e.quantity;
      if (e.type === 'purchase' && e.orderId) props.orderId = e.orderId;
      state.recentEvents.push({ type: e.type, name: e.name, ts: e.ts, props });
      if (state.recentEvents.length > RECENT_EVENTS_LIMIT) {
        state.recentEvents.splice(0, state.recentEvents.length - RECENT_EVENTS_LIMIT);
      }
    }
    this.derive();
  }

  private applyCart(e: RecordedEvent): void {
    const cart = this.state.cart;
    // Zero is how ClickHouse stores "not given" for value and quantity.
    switch (e.type) {
      case 'add_to_cart':
        cart.items += e.quantity > 0 ? e.quantity : 1;
        cart.value += e.value;
        break;
      case 'remove_from_cart':
        cart.items = Math.max(0, cart.items - (e.quantity > 0 ? e.quantity : 1));
        cart.value = cart.items === 0 ? 0 : Math.max(0, cart.value - e.value);
        break;
      case 'checkout_started':
        if (e.value > 0) cart.value = e.value;
        if (e.quantity > 0) cart.items = e.quantity;
        break;
      case 'purchase':
        cart.items = 0;
        cart.value = 0;
        this.state.purchased = true;
        break;
    }
    cart.value = Math.round(cart.value * 100) / 100;
    if (e.currency) cart.currency = e.currency;
  }

  /** Current page (the most recently active open page view), tabs and status, as the engine derives them. */
  private derive(): void {
    const best = currentPageView(this.pages.values());
    let tabs = 0;
    for (const pv of this.pages.values()) if (isPageViewOpen(pv)) tabs++;
    const state = this.state;
    state.tabs = tabs;
    if (best) {
      state.currentPage = {
        pageViewId: best.id,
        url: best.url,
        path: best.path,
        title: best.title,
        enteredAt: best.enteredAt,
      };
      state.scrollDepth = best.scrollDepth;
    }
    state.status = CHECKOUT_PATH.test(state.currentPage.path) ? 'checkout' : 'browsing';
  }

  /**
   * Until when (epoch ms) the visitor is on the site given the events so far: the last `page_leave`
   * once every page view is closed, else shortly after the last thing heard.
   */
  presentUntil(): number {
    let lastClose = 0;
    for (const pv of this.pages.values()) {
      if (isPageViewOpen(pv)) return this.state.lastSeenAt + PRESENT_AFTER_LAST_EVENT_MS;
      lastClose = Math.max(lastClose, pv.closedAt);
    }
    return lastClose;
  }
}
