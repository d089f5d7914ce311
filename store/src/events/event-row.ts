import type { StreamEntry } from '@floorwalker/protocol';

/**
 * One row of the ClickHouse `events` table, every column present (18.16 ignores DEFAULT on
 * JSONEachRow). A type alias, not an interface, so it fits `ch.insert`'s `Record<string, unknown>`.
 */
export type EventRow = {
  site_id: string;
  /** `YYYY-MM-DD` (UTC) of `ts`. */
  day: string;
  /** Server-corrected event time, unix seconds. */
  ts: number;
  /** Server-corrected event time, epoch ms. */
  ts_ms: number;
  /** When the collector received the batch, unix seconds. */
  received_at: number;
  event: string;
  /** Name of a `custom` event; empty for the built-in types. */
  name: string;
  event_id: string;
  visitor_id: string;
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
  screen: string;
  is_bot: number;
  engaged_ms: number;
  scroll_depth: number;
  value: number;
  currency: string;
  order_id: string;
  sku: string;
  quantity: number;
  /** JSON object: custom/shop event `props`, or the traits of an `identify`; `{}` when none. */
  props: string;
};

/** Campaign parameters of a URL. */
export interface Utm {
  source: string;
  medium: string;
  campaign: string;
  term: string;
  content: string;
}

/** Largest DateTime ClickHouse stores (UInt32 seconds), in ms. */
const MAX_TS_MS = 4_294_967_295_000;

const NO_UTM: Readonly<Utm> = Object.freeze({ source: '', medium: '', campaign: '', term: '', content: '' });

/** `scheme://authority` followed by path and query: what a browser's `location.href` looks like. */
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)(?:\?([^#]*))?/i;

function utmOf(query: string): Readonly<Utm> {
  // Most page URLs carry no campaign: skip building URLSearchParams for them (hot path of the writer).
  if (!query.includes('utm_')) return NO_UTM;
  const q = new URLSearchParams(query);
  return {
    source: q.get('utm_source') ?? '',
    medium: q.get('utm_medium') ?? '',
    campaign: q.get('utm_campaign') ?? '',
    term: q.get('utm_term') ?? '',
    content: q.get('utm_content') ?? '',
  };
}

/**
 * Path and campaign parameters of a page URL; tolerant of relative or malformed URLs.
 * Absolute URLs as browsers report them are split without the (slower) WHATWG parser; anything
 * else (relative, backslashes) goes through `new URL` against a dummy base.
 */
export function parsePageUrl(url: string): { path: string; utm: Utm } {
  const { path, utm } = splitPageUrl(url);
  return { path, utm: { ...utm } };
}

/** {@link parsePageUrl} without the copy: `utm` may be a shared frozen object. */
function splitPageUrl(url: string): { path: string; utm: Readonly<Utm> } {
  // Backslashes count as slashes in http(s) URLs: leave those to the WHATWG parser.
  const m = url.includes('\\') ? null : ABSOLUTE_URL.exec(url);
  if (m) return { path: m[1] || '/', utm: utmOf(m[2] ?? '') };
  try {
    const parsed = new URL(url, 'http://invalid.local');
    return { path: parsed.pathname, utm: utmOf(parsed.search.slice(1)) };
  } catch {
    return { path: url.split(/[?#]/, 1)[0] ?? '', utm: NO_UTM };
  }
}

const DAY_MS = 86_400_000;
// Rows of one insert mostly fall on one day: remember the last day's `YYYY-MM-DD`.
let lastDay = { start: 0, end: 0, text: '1970-01-01' };

/** `YYYY-MM-DD` (UTC) of an epoch ms. */
function dayOf(ms: number): string {
  if (ms >= lastDay.start && ms < lastDay.end) return lastDay.text;
  const start = ms - (ms % DAY_MS);
  lastDay = { start, end: start + DAY_MS, text: new Date(start).toISOString().slice(0, 10) };
  return lastDay.text;
}

function clampMs(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) return 0;
  return Math.min(Math.floor(ms), MAX_TS_MS);
}

/** Strings go to ClickHouse as UTF-8: lone surrogates would make the whole batch unparsable. */
function text(value: string | undefined): string {
  return value === undefined ? '' : value.toWellFormed();
}

/**
 * Maps a stream entry to a full `events` row. Pure and total: any entry that passed the
 * `streamEntry` schema yields a row ClickHouse accepts (times clamped to the DateTime range,
 * strings made well-formed), so one odd event never blocks a batch.
 */
export function toEventRow(entry: StreamEntry): EventRow {
  const e = entry.event;
  const tsMs = clampMs(entry.serverTs);
  const { path, utm } = splitPageUrl(e.url);
  let props: Record<string, unknown> | undefined;
  let value = 0;
  let currency = '';
  let sku = '';
  let quantity = 0;
  let orderId = '';
  switch (e.type) {
    case 'add_to_cart':
    case 'remove_from_cart':
    case 'checkout_started':
    case 'purchase':
      props = e.props;
      value = e.value ?? 0;
      currency = e.currency ?? '';
      sku = e.sku ?? '';
      quantity = e.quantity ?? 0;
      if (e.type === 'purchase') orderId = e.orderId ?? '';
      break;
    case 'custom':
      props = e.props;
      value = e.value ?? 0;
      currency = e.currency ?? '';
      break;
    case 'identify':
      props = e.traits;
      break;
    default:
      break;
  }
  return {
    site_id: text(entry.siteId),
    day: dayOf(tsMs),
    ts: Math.floor(tsMs / 1000),
    ts_ms: tsMs,
    received_at: Math.floor(clampMs(entry.receivedAt) / 1000),
    event: e.type,
    name: e.type === 'custom' ? text(e.name) : '',
    event_id: e.id,
    visitor_id: e.visitorId,
    session_id: e.sessionId,
    page_view_id: e.pageViewId,
    url: text(e.url),
    path: text(path),
    title: text(e.title),
    referrer: e.type === 'page_view' ? text(e.referrer) : '',
    utm_source: text(utm.source),
    utm_medium: text(utm.medium),
    utm_campaign: text(utm.campaign),
    utm_term: text(utm.term),
    utm_content: text(utm.content),
    device: text(entry.enrichment.device),
    browser: text(entry.enrichment.browser),
    os: text(entry.enrichment.os),
    country: text(entry.enrichment.country),
    language: e.type === 'page_view' ? text(e.language) : '',
    screen: e.type === 'page_view' ? text(e.screen) : '',
    is_bot: entry.enrichment.isBot ? 1 : 0,
    engaged_ms: e.type === 'engagement' ? e.engagedMs : 0,
    scroll_depth: e.type === 'engagement' ? Math.min(100, Math.max(0, e.scrollDepth)) : 0,
    value: Number.isFinite(value) ? value : 0,
    currency: text(currency),
    order_id: text(orderId),
    sku: text(sku),
    quantity,
    // JSON.stringify escapes lone surrogates as \udXXX; well-formed keys/values keep it plain UTF-8.
    props: props ? JSON.stringify(wellFormedProps(props)) : '{}',
  };
}

function wellFormedProps(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props))
    out[k.toWellFormed()] = typeof v === 'string' ? v.toWellFormed() : v;
  return out;
}
