import { randomUUID } from 'node:crypto';
import type { VisitorState } from '@floorwalker/protocol';
import type { EventRow } from '@floorwalker/store';

/** A plausible live state of a visitor browsing `path`, with overrides. */
export function visitorStateFixture(siteId: string, overrides: Partial<VisitorState> = {}): VisitorState {
  const now = Date.now();
  return {
    siteId,
    visitorId: `v_${randomUUID().slice(0, 12)}`,
    sessionId: `s_${randomUUID().slice(0, 12)}`,
    status: 'browsing',
    presence: 'online',
    currentPage: {
      pageViewId: `pv_${randomUUID().slice(0, 12)}`,
      url: 'https://shop.test/product/mug',
      path: '/product/mug',
      title: 'Stoneware Mug',
      enteredAt: now - 5000,
    },
    sessionStartedAt: now - 60_000,
    lastActivityAt: now - 1000,
    lastSeenAt: now - 1000,
    pagesThisSession: 3,
    visitCount: 1,
    returning: false,
    referrer: 'https://www.google.com/',
    utm: { source: '', medium: '', campaign: '', term: '', content: '' },
    device: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
    country: 'DE',
    language: 'de-DE',
    cart: { value: 0, currency: 'EUR', items: 0 },
    scrollDepth: 40,
    engagedMs: 30_000,
    tabs: 1,
    identified: {},
    recentEvents: [],
    purchased: false,
    ...overrides,
  };
}

/** A full `events` row (every column, as the writer inserts it). */
export function eventRowFixture(fields: Partial<EventRow> & Pick<EventRow, 'site_id' | 'ts_ms'>): EventRow {
  const tsMs = fields.ts_ms;
  return {
    day: new Date(tsMs).toISOString().slice(0, 10),
    ts: Math.floor(tsMs / 1000),
    received_at: Math.floor(tsMs / 1000),
    event: 'page_view',
    name: '',
    event_id: randomUUID(),
    visitor_id: 'v_fixture',
    session_id: 's_fixture',
    page_view_id: 'pv_fixture',
    url: 'https://shop.test/',
    path: '/',
    title: 'Home',
    referrer: '',
    utm_source: '',
    utm_medium: '',
    utm_campaign: '',
    utm_term: '',
    utm_content: '',
    device: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
    country: 'DE',
    language: 'de-DE',
    screen: '1280x900',
    is_bot: 0,
    engaged_ms: 0,
    scroll_depth: 0,
    value: 0,
    currency: '',
    order_id: '',
    sku: '',
    quantity: 0,
    props: '{}',
    ...fields,
  };
}
