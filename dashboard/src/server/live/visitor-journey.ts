import { type ClickHouse, date, join, type Sql, sql } from '@floorwalker/store';

/** One page view or event of a visitor's journey. */
export interface JourneyEvent {
  eventId: string;
  /** `page_view`, `add_to_cart`, `remove_from_cart`, `checkout_started`, `purchase`, `identify`, `custom`. */
  type: string;
  /** Name of a custom event; empty otherwise. */
  name: string;
  /** Server-corrected time, epoch ms. */
  at: number;
  pageViewId: string;
  url: string;
  path: string;
  title: string;
  value: number;
  currency: string;
  orderId: string;
  sku: string;
  quantity: number;
  /** Event properties (custom/shop events) or traits (identify). */
  props: Record<string, unknown>;
  /** Page views only: engaged (visible and focused) time on the page, ms. */
  engagedMs?: number;
  /** Page views only: deepest scroll on the page, percent. */
  scrollDepth?: number;
  /** Shop events only: the cart value after this event, as far as this session's events tell. */
  cartValue?: number;
}

/** One visit (session) of a visitor, with its events in order. */
export interface JourneySession {
  sessionId: string;
  startedAt: number;
  endedAt: number;
  /** First page of the visit. */
  landingUrl: string;
  referrer: string;
  utm: { source: string; medium: string; campaign: string; term: string; content: string };
  device: string;
  browser: string;
  os: string;
  country: string;
  pageViews: number;
  engagedMs: number;
  /** Sum of purchase values in this visit. */
  revenue: number;
  currency: string;
  /** Oldest first. */
  events: JourneyEvent[];
  /** True when older events of this visit are on the next page (`before`). */
  truncated: boolean;
}

/** A visitor's journey: visits newest first, a page of events at a time. */
export interface VisitorJourney {
  visitorId: string;
  sessions: JourneySession[];
  /** Events returned on this page. */
  count: number;
  /** Cursor of the next (older) page, when there is one. */
  next?: { beforeTs: number; beforeId: string };
}

/** Options of {@link visitorJourney}. */
export interface JourneyQuery {
  siteId: string;
  visitorId: string;
  /** Most events returned. Default 300. */
  limit?: number;
  /** How far back to look, days. Default 90. */
  days?: number;
  /** Page cursor: only events older than (beforeTs, beforeId). */
  before?: { beforeTs: number; beforeId: string };
  /** Clock, epoch ms. Default `Date.now`. */
  now?: number;
}

interface EventRow {
  event_id: string;
  kind: string;
  name: string;
  at_ms: number;
  session_id: string;
  page_view_id: string;
  url: string;
  path: string;
  title: string;
  referrer: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_term: string;
  utm_content: string;
  device: string;
  browser: string;
  os: string;
  country: string;
  value: number;
  currency: string;
  order_id: string;
  sku: string;
  quantity: number;
  props: string;
}

interface EngagementRow {
  pv: string;
  engaged_ms: number;
  scroll_depth: number;
}

/** Events that are presence or bookkeeping, not steps of the journey. */
const NOT_STEPS = ['heartbeat', 'engagement', 'page_leave'];
/** `(a, b, c)`: a tuple for IN, which both engines accept (18.16 takes no array on the right of IN). */
const tuple = (values: readonly string[]): Sql => sql`(${join(values.map((v) => sql`${v}`))})`;
const CART_EVENTS = new Set(['add_to_cart', 'remove_from_cart', 'checkout_started', 'purchase']);

function parseProps(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * Every page view and event of one visitor, this visit and the previous ones, from ClickHouse.
 * Rows are deduplicated by event id with `GROUP BY event_id` (the events table is a
 * ReplacingMergeTree: duplicates live until a merge), so the same SQL is exact on 18.16 and on
 * chDB. Engaged time and scroll depth of each page view are folded in from its engagement events.
 */
export async function visitorJourney(ch: ClickHouse, query: JourneyQuery): Promise<VisitorJourney> {
  const limit = query.limit ?? 300;
  const now = query.now ?? Date.now();
  const since = new Date(now - (query.days ?? 90) * 86_400_000);
  const events = ch.table('events');
  const scope = sql`site_id = ${query.siteId} AND visitor_id = ${query.visitorId} AND day >= ${date(since)}`;
  const cursor: Sql = query.before
    ? sql`AND (ts_ms < ${query.before.beforeTs} OR (ts_ms = ${query.before.beforeTs} AND event_id < ${query.before.beforeId}))`
    : sql``;
  // Aliases differ from column names where the WHERE clause uses the column (`event`, `ts_ms`):
  // ClickHouse would otherwise substitute the aggregate into the WHERE.
  const rows = await ch.query<EventRow>(sql`
    SELECT event_id, any(event) AS kind, any(name) AS name, any(ts_ms) AS at_ms,
      any(session_id) AS session_id, any(page_view_id) AS page_view_id, any(url) AS url,
      any(path) AS path, any(title) AS title, any(referrer) AS referrer,
      any(utm_source) AS utm_source, any(utm_medium) AS utm_medium, any(utm_campaign) AS utm_campaign,
      any(utm_term) AS utm_term, any(utm_content) AS utm_content, any(device) AS device,
      any(browser) AS browser, any(os) AS os, any(country) AS country, any(value) AS value,
      any(currency) AS currency, any(order_id) AS order_id, any(sku) AS sku,
      any(quantity) AS quantity, any(props) AS props
    FROM ${events}
    WHERE ${scope} AND event NOT IN ${tuple(NOT_STEPS)} ${cursor}
    GROUP BY event_id
    ORDER BY at_ms DESC, event_id DESC
    LIMIT ${limit + 1}`);
  const more = rows.length > limit;
  const page = rows.slice(0, limit).reverse();

  const pageViewIds = [...new Set(page.filter((r) => r.kind === 'page_view').map((r) => r.page_view_id))];
  const engagement = new Map<string, EngagementRow>();
  if (pageViewIds.length > 0) {
    const found = await ch.query<EngagementRow>(sql`
      SELECT pv, sum(ms) AS engaged_ms, max(depth) AS scroll_depth FROM (
        SELECT event_id, any(page_view_id) AS pv, any(engaged_ms) AS ms, any(scroll_depth) AS depth
        FROM ${events}
        WHERE ${scope} AND event = 'engagement' AND page_view_id IN ${tuple(pageViewIds)}
        GROUP BY event_id
      ) AS engagements
      GROUP BY pv`);
    for (const row of found) engagement.set(row.pv, row);
  }

  const sessions = new Map<string, JourneySession>();
  const carts = new Map<string, number>();
  for (const row of page) {
    let session = sessions.get(row.session_id);
    if (!session) {
      session = {
        sessionId: row.session_id,
        startedAt: row.at_ms,
        endedAt: row.at_ms,
        landingUrl: '',
        referrer: '',
        utm: { source: '', medium: '', campaign: '', term: '', content: '' },
        device: row.device,
        browser: row.browser,
        os: row.os,
        country: row.country,
        pageViews: 0,
        engagedMs: 0,
        revenue: 0,
        currency: '',
        events: [],
        truncated: false,
      };
      sessions.set(row.session_id, session);
    }
    session.endedAt = Math.max(session.endedAt, row.at_ms);
    const event: JourneyEvent = {
      eventId: row.event_id,
      type: row.kind,
      name: row.name,
      at: row.at_ms,
      pageViewId: row.page_view_id,
      url: row.url,
      path: row.path,
      title: row.title,
      value: row.value,
      currency: row.currency,
      orderId: row.order_id,
      sku: row.sku,
      quantity: row.quantity,
      props: parseProps(row.props),
    };
    if (row.kind === 'page_view') {
      if (session.pageViews === 0) {
        session.landingUrl = row.url;
        session.referrer = row.referrer;
        session.utm = {
          source: row.utm_source,
          medium: row.utm_medium,
          campaign: row.utm_campaign,
          term: row.utm_term,
          content: row.utm_content,
        };
      }
      session.pageViews++;
      const e = engagement.get(row.page_view_id);
      event.engagedMs = e?.engaged_ms ?? 0;
      event.scrollDepth = e?.scroll_depth ?? 0;
      session.engagedMs += event.engagedMs;
    }
    if (CART_EVENTS.has(row.kind)) {
      let cart = carts.get(row.session_id) ?? 0;
      if (row.kind === 'add_to_cart') cart += row.value;
      else if (row.kind === 'remove_from_cart') cart = Math.max(0, cart - row.value);
      else if (row.kind === 'checkout_started') cart = row.value || cart;
      else {
        session.revenue += row.value;
        cart = 0;
      }
      // Whole cents: sums of floats (19.9 + 0.1) would otherwise show as 20.000000000000004.
      cart = Math.round(cart * 100) / 100;
      carts.set(row.session_id, cart);
      event.cartValue = cart;
    }
    if (row.currency && !session.currency) session.currency = row.currency;
    session.events.push(event);
  }
  const ordered = [...sessions.values()].sort((a, b) => b.startedAt - a.startedAt);
  const oldest = page[0];
  if (more && oldest) {
    const last = ordered[ordered.length - 1];
    if (last) last.truncated = true;
  }
  return {
    visitorId: query.visitorId,
    sessions: ordered,
    count: page.length,
    ...(more && oldest ? { next: { beforeTs: oldest.at_ms, beforeId: oldest.event_id } } : {}),
  };
}
