import type { VisitorState } from '@floorwalker/protocol';
import { describe, expect, it } from 'vitest';
import { visitorHold } from '../src/rules/visitor-hold.ts';

const state = (overrides: Partial<VisitorState> = {}, leftAt?: number): VisitorState => ({
  siteId: 's',
  visitorId: 'v',
  sessionId: 'se',
  status: 'checkout',
  presence: 'online',
  currentPage: {
    pageViewId: 'p',
    url: 'https://shop.example/checkout',
    path: '/checkout',
    title: 'Checkout',
    enteredAt: 0,
    ...(leftAt !== undefined ? { leftAt } : {}),
  },
  sessionStartedAt: 0,
  lastActivityAt: 0,
  lastSeenAt: 0,
  pagesThisSession: 1,
  visitCount: 1,
  returning: false,
  referrer: '',
  utm: { source: '', medium: '', campaign: '', term: '', content: '' },
  device: 'desktop',
  browser: 'Chrome',
  os: 'Linux',
  country: 'DE',
  language: 'de',
  cart: { value: 0, currency: 'EUR', items: 0 },
  scrollDepth: 0,
  engagedMs: 0,
  tabs: 1,
  identified: {},
  recentEvents: [],
  purchased: false,
  ...overrides,
});

describe('visitor hold', () => {
  it('lets triggers decide for a present visitor on an open page', () => {
    expect(visitorHold(state())).toBeUndefined();
    expect(visitorHold(state({ status: 'browsing', presence: 'idle' }))).toBeUndefined();
  });

  it('holds a visitor who left, is between pages, is chatting or has an invitation up', () => {
    expect(visitorHold(state({ presence: 'left', status: 'left' }))?.reason).toBe('left');
    expect(visitorHold(state({}, 1000))?.reason).toBe('page_left');
    expect(visitorHold(state({ status: 'chatting' }))?.reason).toBe('chatting');
    expect(visitorHold(state({ status: 'invited' }))?.reason).toBe('invited');
    expect(visitorHold(state({ status: 'invited' }))?.message).toMatch(/invitation is up/);
  });
});
