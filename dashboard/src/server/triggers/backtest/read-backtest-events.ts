import { type ClickHouse, date, sql } from '@floorwalker/store';

/** One recorded event as the backtest replays it. */
export interface RecordedEvent {
  eventId: string;
  /** Server-corrected time, epoch ms. */
  ts: number;
  type: string;
  /** Name of a custom event; the type for built-in ones. */
  name: string;
  sessionId: string;
  pageViewId: string;
  url: string;
  path: string;
  title: string;
  referrer: string;
  utm: { source: string; medium: string; campaign: string; term: string; content: string };
  device: string;
  browser: string;
  os: string;
  country: string;
  language: string;
  engagedMs: number;
  scrollDepth: number;
  value: number;
  currency: string;
  sku: string;
  quantity: number;
  orderId: string;
  props: Record<string, string | number | boolean | null>;
}

/** Options of {@link readBacktestEvents}. */
export interface ReadBacktestOptions {
  siteId: string;
  /** Window start, epoch ms (inclusive). */
  from: number;
  /** Window end, epoch ms (exclusive). */
  to: number;
  /** Most visitors replayed; the rest are left out (a uniform sample by visitor hash). */
  maxVisitors: number;
  /** Most events read in all; visitors after the budget is spent are left out. */
  maxEvents: number;
  /** Visitors per ClickHouse read (memory bound). Default 500. */
  batchSize?: number;
}

/** What {@link readBacktestEvents} found, besides the events it hands to the callback. */
export interface ReadBacktestSummary {
  /** Distinct (non-bot) visitors with events in the window. */
  visitorsInWindow: number;
  /** Visitors whose events were replayed. */
  visitorsRead: number;
  /** Events replayed (after removing duplicates). */
  eventsRead: number;
  /** Duplicate event rows removed (at-least-once delivery, not merged yet). */
  duplicatesRemoved: number;
  /** True when visitors were left out because of `maxVisitors` or `maxEvents`. */
  truncated: boolean;
}

interface EventRowRead {
  visitor_id: string;
  event_id: string;
  ts_ms: number;
  event: string;
  name: string;
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
  language: string;
  engaged_ms: number;
  scroll_depth: number;
  value: number;
  currency: string;
  sku: string;
  quantity: number;
  order_id: string;
  props: string;
}

function parseProps(text: string): RecordedEvent['props'] {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const out: RecordedEvent['props'] = {};
    for (const [k, v] of Object.entries(parsed)) {
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    }
    return out;
  } catch {
    return {};
  }
}

function toEvent(r: EventRowRead): RecordedEvent {
  return {
    eventId: r.event_id,
    ts: Number(r.ts_ms),
    type: r.event,
    name: r.event === 'custom' ? r.name : r.event,
    sessionId: r.session_id,
    pageViewId: r.page_view_id,
    url: r.url,
    path: r.path,
    title: r.title,
    referrer: r.referrer,
    utm: {
      source: r.utm_source,
      medium: r.utm_medium,
      campaign: r.utm_campaign,
      term: r.utm_term,
      content: r.utm_content,
    },
    device: r.device,
    browser: r.browser,
    os: r.os,
    country: r.country,
    language: r.language,
    engagedMs: Number(r.engaged_ms),
    scrollDepth: Number(r.scroll_depth),
    value: Number(r.value),
    currency: r.currency,
    sku: r.sku,
    quantity: Number(r.quantity),
    orderId: r.order_id,
    props: parseProps(r.props),
  };
}

/**
 * Reads the recorded events of a site's window from ClickHouse, visitor by visitor, and hands each
 * visitor's events (time order, duplicates by event id removed) to `onVisitor`. Visitors are read
 * in batches so memory stays bounded however long the window; when the window holds more than
 * `maxVisitors`, a uniform sample (by a hash of the visitor id, so every hour is represented
 * alike) is replayed and the summary says so. Bots are left out, as on the live board.
 */
export async function readBacktestEvents(
  ch: ClickHouse,
  options: ReadBacktestOptions,
  onVisitor: (visitorId: string, events: RecordedEvent[]) => void,
): Promise<ReadBacktestSummary> {
  const table = ch.table('events');
  const window = sql`site_id = ${options.siteId}
    AND day >= ${date(new Date(options.from))} AND day <= ${date(new Date(options.to))}
    AND ts_ms >= ${Math.floor(options.from)} AND ts_ms < ${Math.floor(options.to)}
    AND is_bot = 0`;
  const [count] = await ch.query<{ n: number }>(sql`
    SELECT uniqExact(visitor_id) AS n FROM ${table} WHERE ${window}`);
  const visitorsInWindow = Number(count?.n ?? 0);
  const picked = await ch.query<{ visitor_id: string }>(sql`
    SELECT visitor_id FROM ${table} WHERE ${window}
    GROUP BY visitor_id
    ORDER BY cityHash64(visitor_id), visitor_id
    LIMIT ${Math.max(1, Math.floor(options.maxVisitors))}`);
  const ids = picked.map((r) => r.visitor_id);
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const summary: ReadBacktestSummary = {
    visitorsInWindow,
    visitorsRead: 0,
    eventsRead: 0,
    duplicatesRemoved: 0,
    truncated: ids.length < visitorsInWindow,
  };
  for (let start = 0; start < ids.length; start += batchSize) {
    if (summary.eventsRead >= options.maxEvents) {
      summary.truncated = true;
      break;
    }
    const batch = ids.slice(start, start + batchSize);
    const rows = await ch.query<EventRowRead>(sql`
      SELECT visitor_id, event_id, ts_ms, event, name, session_id, page_view_id, url, path, title, referrer,
        utm_source, utm_medium, utm_campaign, utm_term, utm_content, device, browser, os, country, language,
        engaged_ms, scroll_depth, value, currency, sku, quantity, order_id, props
      FROM ${table}
      WHERE ${window} AND has(${batch}, visitor_id)
      ORDER BY visitor_id, ts_ms, event_id`);
    let current: string | undefined;
    let events: RecordedEvent[] = [];
    let seen = new Set<string>();
    const flush = () => {
      if (current === undefined) return;
      summary.visitorsRead++;
      summary.eventsRead += events.length;
      onVisitor(current, events);
    };
    for (const row of rows) {
      if (row.visitor_id !== current) {
        flush();
        current = row.visitor_id;
        events = [];
        seen = new Set();
      }
      if (seen.has(row.event_id)) {
        summary.duplicatesRemoved++;
        continue;
      }
      seen.add(row.event_id);
      events.push(toEvent(row));
    }
    flush();
  }
  return summary;
}
