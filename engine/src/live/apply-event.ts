import type { StreamEntry, TrackedEvent, VisitorState } from '@floorwalker/protocol';
import { parsePageUrl } from '@floorwalker/store';
import {
  emptyMeta,
  isOpen,
  PAGE_VIEW_LIMIT,
  type PageViewMeta,
  RECENT_EVENTS_LIMIT,
  SEEN_LIMIT,
  type VisitorModel,
} from './visitor-model.ts';

/** What is known of a visitor before this state existed (from the visitor memory). */
export interface PriorVisits {
  /** Visits (sessions) seen so far. */
  visits: number;
  /** Session id of the latest of them. */
  session: string;
}

type Scalar = string | number | boolean | null;

/** Events that describe the visitor doing something (not a background heartbeat or a leave). */
function isActivity(e: TrackedEvent): boolean {
  if (e.type === 'heartbeat') return e.active === true;
  if (e.type === 'engagement') return e.engagedMs > 0;
  return e.type !== 'page_leave';
}

function newState(entry: StreamEntry, visitCount: number): VisitorState {
  const e = entry.event;
  const { path } = parsePageUrl(e.url);
  return {
    siteId: entry.siteId,
    visitorId: e.visitorId,
    sessionId: e.sessionId,
    status: 'browsing',
    presence: 'online',
    currentPage: {
      pageViewId: e.pageViewId,
      url: e.url,
      path,
      title: e.title ?? '',
      enteredAt: entry.serverTs,
    },
    sessionStartedAt: entry.serverTs,
    lastActivityAt: 0,
    lastSeenAt: 0,
    pagesThisSession: 0,
    visitCount,
    returning: visitCount > 1,
    referrer: '',
    utm: { source: '', medium: '', campaign: '', term: '', content: '' },
    device: entry.enrichment.device,
    browser: entry.enrichment.browser,
    os: entry.enrichment.os,
    country: entry.enrichment.country,
    language: '',
    cart: { value: 0, currency: '', items: 0 },
    scrollDepth: 0,
    engagedMs: 0,
    tabs: 0,
    identified: {},
    recentEvents: [],
    purchased: false,
  };
}

/** Starts a new session on an existing visitor: visitor-level facts (traits, cart, device) stay. */
function startSession(model: VisitorModel, entry: StreamEntry): void {
  const { state, meta } = model;
  const fresh = newState(entry, state.visitCount + 1);
  model.state = {
    ...fresh,
    identified: state.identified,
    cart: state.cart,
    language: state.language,
  };
  model.meta = { ...emptyMeta(), seen: meta.seen, marks: meta.marks };
}

function pageViewOf(model: VisitorModel, entry: StreamEntry): PageViewMeta {
  const e = entry.event;
  let pv = model.meta.pageViews.find((p) => p.id === e.pageViewId);
  if (!pv) {
    pv = {
      id: e.pageViewId,
      url: e.url,
      path: parsePageUrl(e.url).path,
      title: e.title ?? '',
      enteredAt: entry.serverTs,
      lastSeenAt: 0,
      lastActiveAt: 0,
      closedAt: 0,
      checkoutStarted: false,
      scrollDepth: 0,
    };
    model.meta.pageViews.push(pv);
  }
  return pv;
}

function shopProps(e: TrackedEvent): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  if ('props' in e && e.props) Object.assign(out, e.props);
  if ('value' in e && e.value !== undefined) out.value = e.value;
  if ('currency' in e && e.currency !== undefined) out.currency = e.currency;
  if ('sku' in e && e.sku !== undefined) out.sku = e.sku;
  if ('quantity' in e && e.quantity !== undefined) out.quantity = e.quantity;
  if (e.type === 'purchase' && e.orderId !== undefined) out.orderId = e.orderId;
  return out;
}

function applyCart(model: VisitorModel, entry: StreamEntry): void {
  const e = entry.event;
  const { state, meta } = model;
  // A cart event from before the last purchase (late, from another tab) no longer counts.
  if (e.type !== 'purchase' && entry.serverTs <= meta.cartResetAt) return;
  const cart = state.cart;
  switch (e.type) {
    case 'add_to_cart':
      cart.items += e.quantity ?? 1;
      cart.value += e.value ?? 0;
      break;
    case 'remove_from_cart':
      cart.items = Math.max(0, cart.items - (e.quantity ?? 1));
      cart.value = cart.items === 0 ? 0 : Math.max(0, cart.value - (e.value ?? 0));
      break;
    case 'checkout_started':
      // The shop reports the whole cart at checkout: take it as the truth.
      if (e.value !== undefined) cart.value = e.value;
      if (e.quantity !== undefined) cart.items = e.quantity;
      break;
    case 'purchase':
      if (entry.serverTs > meta.cartResetAt) {
        meta.cartResetAt = entry.serverTs;
        cart.items = 0;
        cart.value = 0;
      }
      state.purchased = true;
      break;
    default:
      return;
  }
  // Sums of float prices drift (0.1 + 0.2); cents are what a shop shows.
  cart.value = Math.round(cart.value * 100) / 100;
  if ('currency' in e && e.currency) cart.currency = e.currency;
}

/** Closes the page view an SPA route change replaced: the one showing its referrer, else the active one. */
function closeReplacedPageView(model: VisitorModel, entry: StreamEntry, referrer: string | undefined): void {
  const candidates = model.meta.pageViews.filter(
    (p) => p.id !== entry.event.pageViewId && isOpen(p) && p.lastSeenAt <= entry.serverTs,
  );
  const byActivity = (a: PageViewMeta, b: PageViewMeta) => b.lastActiveAt - a.lastActiveAt;
  const replaced =
    candidates.filter((p) => referrer !== undefined && p.url === referrer).sort(byActivity)[0] ??
    candidates.sort(byActivity)[0];
  if (replaced) replaced.closedAt = Math.max(replaced.closedAt, entry.serverTs);
}

/**
 * Applies one stream entry to a visitor's model (mutating and returning it; creating it when
 * undefined). Order-insensitive where events of several tabs interleave: times are server
 * times and every field keeps the latest (or, for the visit's first page, the earliest) value.
 * Events already applied (same event id) and events of an earlier session are ignored.
 * Presence, status, tabs and current page are derived afterwards by `derivePresence`.
 */
export function applyEvent(
  model: VisitorModel | undefined,
  entry: StreamEntry,
  prior?: PriorVisits,
): VisitorModel {
  const e = entry.event;
  const ts = entry.serverTs;
  if (!model) {
    const continuing = prior !== undefined && prior.session === e.sessionId;
    const visits = continuing ? Math.max(1, prior.visits) : (prior?.visits ?? 0) + 1;
    model = { state: newState(entry, visits), meta: emptyMeta() };
  } else if (model.meta.seen.includes(e.id)) {
    return model;
  } else if (e.sessionId !== model.state.sessionId) {
    if (ts < model.state.sessionStartedAt) return model; // a late event of the previous session
    startSession(model, entry);
  }
  const { meta } = model;
  meta.seen.push(e.id);
  if (meta.seen.length > SEEN_LIMIT) meta.seen.splice(0, meta.seen.length - SEEN_LIMIT);

  const state = model.state;
  state.sessionStartedAt = Math.min(state.sessionStartedAt, ts);
  state.lastSeenAt = Math.max(state.lastSeenAt, ts);
  if (isActivity(e)) state.lastActivityAt = Math.max(state.lastActivityAt, ts);
  state.device = entry.enrichment.device;
  state.browser = entry.enrichment.browser;
  state.os = entry.enrichment.os;
  state.country = entry.enrichment.country;

  const pv = pageViewOf(model, entry);
  if (e.type === 'page_leave') {
    pv.closedAt = Math.max(pv.closedAt, ts);
  } else {
    pv.lastSeenAt = Math.max(pv.lastSeenAt, ts);
    if (isActivity(e)) pv.lastActiveAt = Math.max(pv.lastActiveAt, ts);
  }
  if (e.title) pv.title = e.title;

  switch (e.type) {
    case 'page_view': {
      pv.enteredAt = Math.min(pv.enteredAt, ts);
      pv.url = e.url;
      pv.path = parsePageUrl(e.url).path;
      state.pagesThisSession++;
      if (e.language) state.language = e.language;
      if (meta.firstPageAt === 0 || ts < meta.firstPageAt) {
        meta.firstPageAt = ts;
        state.referrer = e.referrer ?? '';
        state.utm = parsePageUrl(e.url).utm;
      }
      if (e.navigation === 'spa') closeReplacedPageView(model, entry, e.referrer);
      break;
    }
    case 'engagement':
      state.engagedMs += e.engagedMs;
      pv.scrollDepth = Math.max(pv.scrollDepth, e.scrollDepth);
      break;
    case 'identify':
      Object.assign(state.identified, e.traits);
      break;
    case 'checkout_started':
      pv.checkoutStarted = true;
      applyCart(model, entry);
      break;
    case 'add_to_cart':
    case 'remove_from_cart':
    case 'purchase':
      applyCart(model, entry);
      break;
    default:
      break;
  }

  if (
    e.type === 'custom' ||
    e.type === 'add_to_cart' ||
    e.type === 'remove_from_cart' ||
    e.type === 'checkout_started' ||
    e.type === 'purchase'
  ) {
    state.recentEvents.push({
      type: e.type,
      name: e.type === 'custom' ? e.name : e.type,
      ts,
      props: shopProps(e),
    });
    state.recentEvents.sort((a, b) => a.ts - b.ts);
    if (state.recentEvents.length > RECENT_EVENTS_LIMIT) {
      state.recentEvents.splice(0, state.recentEvents.length - RECENT_EVENTS_LIMIT);
    }
  }

  if (meta.pageViews.length > PAGE_VIEW_LIMIT) {
    // Keep the open ones and the most recent; closed old pages no longer matter.
    meta.pageViews.sort((a, b) => Number(isOpen(b)) - Number(isOpen(a)) || b.lastSeenAt - a.lastSeenAt);
    meta.pageViews.length = PAGE_VIEW_LIMIT;
  }
  return model;
}
