import type { VisitorState } from '@floorwalker/protocol';

/** A plausible visitor 10 minutes into a session, 1 minute on the current page, at `now`. */
export const NOW = Date.UTC(2026, 5, 10, 12, 0, 0); // Wednesday 2026-06-10 12:00 UTC

export function visitor(overrides: Partial<VisitorState> = {}): VisitorState {
  return {
    siteId: 'site-1',
    visitorId: 'visitor-1',
    sessionId: 'session-1',
    status: 'browsing',
    presence: 'online',
    currentPage: {
      pageViewId: 'pv-1',
      url: 'https://shop.example/products/42/reviews?sort=new',
      path: '/products/42/reviews',
      title: 'Reviews – Trail Shoe X',
      enteredAt: NOW - 60_000,
    },
    sessionStartedAt: NOW - 600_000,
    lastActivityAt: NOW - 5_000,
    lastSeenAt: NOW - 1_000,
    pagesThisSession: 4,
    visitCount: 3,
    returning: true,
    referrer: 'https://www.google.com/search?q=trail+shoes',
    utm: { source: 'newsletter', medium: 'email', campaign: 'summer-sale', term: '', content: 'hero' },
    device: 'mobile',
    browser: 'Chrome',
    os: 'Android',
    country: 'DE',
    language: 'de-AT',
    cart: { value: 129.9, currency: 'EUR', items: 2 },
    scrollDepth: 75,
    engagedMs: 400_000,
    tabs: 1,
    identified: { plan: 'gold', orders: 7, vip: true, note: null },
    recentEvents: [],
    purchased: false,
    ...overrides,
  };
}
