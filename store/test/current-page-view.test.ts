import { describe, expect, it } from 'vitest';
import { currentPageView, isPageViewOpen, type PageViewTimes } from '../src/live/current-page-view.ts';

const pv = (id: string, t: Partial<PageViewTimes>) => ({
  id,
  enteredAt: 0,
  lastSeenAt: 0,
  lastActiveAt: 0,
  closedAt: 0,
  ...t,
});

describe('current page view', () => {
  it('is the most recently active open tab, even when a closed one was active later', () => {
    const pages = [
      pv('a', { enteredAt: 1, lastSeenAt: 50, lastActiveAt: 40 }),
      pv('b', { enteredAt: 2, lastSeenAt: 30, lastActiveAt: 30 }),
      pv('left', { enteredAt: 3, lastSeenAt: 90, lastActiveAt: 90, closedAt: 95 }),
    ];
    expect(currentPageView(pages)?.id).toBe('a');
  });

  it('takes the later page view on equal activity', () => {
    const pages = [pv('a', { enteredAt: 1, lastActiveAt: 10 }), pv('b', { enteredAt: 5, lastActiveAt: 10 })];
    expect(currentPageView(pages)?.id).toBe('b');
  });

  it('is the most recently active left page when every page was left, and none without pages', () => {
    const pages = [
      pv('a', { lastSeenAt: 10, lastActiveAt: 10, closedAt: 11 }),
      pv('b', { lastSeenAt: 20, lastActiveAt: 20, closedAt: 21 }),
    ];
    expect(currentPageView(pages)?.id).toBe('b');
    expect(currentPageView([])).toBeUndefined();
  });

  it('counts a page heard from after its page_leave as open again', () => {
    expect(isPageViewOpen(pv('a', { lastSeenAt: 10, closedAt: 5 }))).toBe(true);
    expect(isPageViewOpen(pv('a', { lastSeenAt: 10, closedAt: 10 }))).toBe(false);
    expect(isPageViewOpen(pv('a', { lastSeenAt: 10 }))).toBe(true);
  });
});
