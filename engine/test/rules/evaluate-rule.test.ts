import type { Condition, VisitorState } from '@floorwalker/protocol';
import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateRule } from '../../src/rules/index.ts';
import { NOW, visitor } from './visitor-fixture.ts';

const ctx = (state: VisitorState = visitor(), now = NOW, timezone = 'Europe/Berlin') => ({
  state,
  now,
  timezone,
});
const passes = (condition: Condition, state: VisitorState = visitor(), now = NOW) =>
  evaluateCondition(condition, ctx(state, now)).passed;

function events(
  ...list: [name: string, ts: number, props?: Record<string, string | number | boolean | null>][]
) {
  return list.map(([name, ts, props]) => ({
    type: ['add_to_cart', 'purchase', 'checkout_started'].includes(name) ? name : 'custom',
    name: ['add_to_cart', 'purchase', 'checkout_started'].includes(name) ? '' : name,
    ts,
    props: props ?? {},
  }));
}

describe('leaf conditions', () => {
  it('matches the page url, path and title separately', () => {
    expect(passes({ type: 'page', field: 'url', match: { op: 'contains', value: 'sort=new' } })).toBe(true);
    expect(passes({ type: 'page', field: 'path', match: { op: 'contains', value: 'sort=new' } })).toBe(false);
    expect(
      passes({ type: 'page', field: 'path', match: { op: 'wildcard', pattern: '/products/*/reviews' } }),
    ).toBe(true);
    // The full url has a scheme, host and query: an anchored path wildcard does not match it.
    expect(
      passes({ type: 'page', field: 'url', match: { op: 'wildcard', pattern: '/products/*/reviews' } }),
    ).toBe(false);
    expect(passes({ type: 'page', field: 'title', match: { op: 'prefix', value: 'reviews –' } })).toBe(true);
  });

  it('matches referrer and each utm field', () => {
    expect(passes({ type: 'referrer', match: { op: 'regex', pattern: '^https://(www\\.)?google\\.' } })).toBe(
      true,
    );
    expect(passes({ type: 'referrer', match: { op: 'contains', value: 'bing' } })).toBe(false);
    expect(passes({ type: 'utm', field: 'source', match: { op: 'equals', value: 'Newsletter' } })).toBe(true);
    expect(passes({ type: 'utm', field: 'medium', match: { op: 'equals', value: 'cpc' } })).toBe(false);
    expect(passes({ type: 'utm', field: 'campaign', match: { op: 'wildcard', pattern: 'summer-*' } })).toBe(
      true,
    );
    expect(passes({ type: 'utm', field: 'term', match: { op: 'equals', value: '' } })).toBe(true);
    expect(passes({ type: 'utm', field: 'content', match: { op: 'equals', value: 'footer' } })).toBe(false);
  });

  it('measures durations in whole seconds from page entry, session start and last activity', () => {
    expect(passes({ type: 'time_on_page', compare: { op: 'gte', value: 60 } })).toBe(true);
    expect(passes({ type: 'time_on_page', compare: { op: 'gt', value: 60 } })).toBe(false);
    expect(passes({ type: 'time_on_site', compare: { op: 'eq', value: 600 } })).toBe(true);
    expect(passes({ type: 'idle', compare: { op: 'between', min: 5, max: 10 } })).toBe(true);
    expect(passes({ type: 'idle', compare: { op: 'gte', value: 30 } })).toBe(false);
  });

  it('compares counters, cart and scroll depth', () => {
    expect(passes({ type: 'page_views', compare: { op: 'gte', value: 4 } })).toBe(true);
    expect(passes({ type: 'visit_count', compare: { op: 'lt', value: 3 } })).toBe(false);
    expect(passes({ type: 'cart_value', compare: { op: 'gt', value: 100 } })).toBe(true);
    expect(passes({ type: 'cart_items', compare: { op: 'lte', value: 1 } })).toBe(false);
    expect(passes({ type: 'scroll_depth', compare: { op: 'gte', value: 75 } })).toBe(true);
  });

  it('tells new from returning visitors', () => {
    expect(passes({ type: 'visitor_type', value: 'returning' })).toBe(true);
    expect(passes({ type: 'visitor_type', value: 'new' })).toBe(false);
    expect(passes({ type: 'visitor_type', value: 'new' }, visitor({ returning: false }))).toBe(true);
  });

  it('checks device, country and language lists', () => {
    expect(passes({ type: 'device', in: ['mobile', 'tablet'] })).toBe(true);
    expect(passes({ type: 'device', in: ['desktop'] })).toBe(false);
    expect(passes({ type: 'device', in: ['other'] }, visitor({ device: 'smart-tv' }))).toBe(true);
    expect(passes({ type: 'country', in: ['at', 'DE'] })).toBe(true);
    expect(passes({ type: 'country', in: ['CH'] })).toBe(false);
    expect(passes({ type: 'language', in: ['de'] })).toBe(true);
    expect(passes({ type: 'language', in: ['de-AT'] })).toBe(true);
    expect(passes({ type: 'language', in: ['de-DE'] })).toBe(false);
    expect(passes({ type: 'language', in: ['d'] })).toBe(false);
  });

  it('checks identified attributes by key', () => {
    expect(passes({ type: 'attribute', key: 'plan', match: { op: 'equals', value: 'GOLD' } })).toBe(true);
    expect(passes({ type: 'attribute', key: 'orders', match: { op: 'gte', value: 5 } })).toBe(true);
    expect(passes({ type: 'attribute', key: 'vip', match: { op: 'is', value: true } })).toBe(true);
    expect(passes({ type: 'attribute', key: 'note', match: { op: 'exists' } })).toBe(false);
    expect(passes({ type: 'attribute', key: 'missing', match: { op: 'exists' } })).toBe(false);
    expect(passes({ type: 'attribute', key: 'toString', match: { op: 'exists' } })).toBe(false);
  });

  it('counts custom events by name and properties within a window', () => {
    const state = visitor({
      recentEvents: events(
        ['video_play', NOW - 300_000, { video: 'size-guide' }],
        ['video_play', NOW - 50_000, { video: 'size-guide' }],
        ['video_play', NOW - 20_000, { video: 'intro' }],
        ['add_to_cart', NOW - 10_000, { sku: 'X1' }],
      ),
    });
    expect(passes({ type: 'event', name: 'video_play' }, state)).toBe(true);
    expect(passes({ type: 'event', name: 'video_play', minCount: 3 }, state)).toBe(true);
    expect(passes({ type: 'event', name: 'video_play', minCount: 4 }, state)).toBe(false);
    expect(passes({ type: 'event', name: 'video_play', minCount: 3, withinSeconds: 120 }, state)).toBe(false);
    expect(passes({ type: 'event', name: 'video_play', minCount: 2, withinSeconds: 120 }, state)).toBe(true);
    expect(
      passes(
        {
          type: 'event',
          name: 'video_play',
          props: [{ key: 'video', match: { op: 'equals', value: 'size-guide' } }],
          minCount: 2,
        },
        state,
      ),
    ).toBe(true);
    expect(
      passes(
        {
          type: 'event',
          name: 'video_play',
          props: [{ key: 'video', match: { op: 'equals', value: 'size-guide' } }],
          minCount: 2,
          withinSeconds: 120,
        },
        state,
      ),
    ).toBe(false);
    expect(passes({ type: 'event', name: 'add_to_cart' }, state)).toBe(true);
    expect(passes({ type: 'event', name: 'purchase' }, state)).toBe(false);
  });

  it('sees exit intent only on the current page and within its window', () => {
    expect(passes({ type: 'exit_intent' })).toBe(false);
    expect(passes({ type: 'exit_intent' }, visitor({ exitIntentAt: NOW - 2_000 }))).toBe(true);
    expect(passes({ type: 'exit_intent' }, visitor({ exitIntentAt: NOW - 120_000 }))).toBe(false);
    expect(passes({ type: 'exit_intent', withinSeconds: 10 }, visitor({ exitIntentAt: NOW - 20_000 }))).toBe(
      false,
    );
    expect(passes({ type: 'exit_intent', withinSeconds: 30 }, visitor({ exitIntentAt: NOW - 20_000 }))).toBe(
      true,
    );
  });

  it('checks business hours in the site time zone or the condition zone', () => {
    // NOW is Wednesday 12:00 UTC = 14:00 in Berlin (CEST), 08:00 in New York (EDT).
    const hours: Condition = {
      type: 'business_hours',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      from: '09:00',
      to: '17:00',
    };
    expect(passes(hours)).toBe(true);
    expect(passes({ ...hours, timezone: 'America/New_York' })).toBe(false);
    expect(passes({ ...hours, days: ['sat', 'sun'] })).toBe(false);
    expect(passes({ ...hours, from: '14:00' })).toBe(true);
    expect(passes({ ...hours, to: '14:00' })).toBe(false);
  });
});

describe('groups', () => {
  const onCheckout: Condition = { type: 'page', field: 'path', match: { op: 'prefix', value: '/checkout' } };
  const onProducts: Condition = { type: 'page', field: 'path', match: { op: 'prefix', value: '/products' } };
  const bigCart: Condition = { type: 'cart_value', compare: { op: 'gt', value: 100 } };

  it('combines all, any and not', () => {
    expect(passes({ type: 'all', conditions: [onProducts, bigCart] })).toBe(true);
    expect(passes({ type: 'all', conditions: [onCheckout, bigCart] })).toBe(false);
    expect(passes({ type: 'any', conditions: [onCheckout, bigCart] })).toBe(true);
    expect(passes({ type: 'any', conditions: [onCheckout, { type: 'not', condition: bigCart }] })).toBe(
      false,
    );
    expect(passes({ type: 'not', condition: onCheckout })).toBe(true);
  });

  it('negates an any group (none of them)', () => {
    const noneOf: Condition = {
      type: 'not',
      condition: { type: 'any', conditions: [onCheckout, { type: 'country', in: ['FR'] }] },
    };
    expect(passes(noneOf)).toBe(true);
    expect(passes(noneOf, visitor({ country: 'FR' }))).toBe(false);
  });

  it('evaluates nested groups three levels deep', () => {
    const rule: Condition = {
      type: 'all',
      conditions: [
        {
          type: 'any',
          conditions: [
            onCheckout,
            {
              type: 'all',
              conditions: [onProducts, { type: 'scroll_depth', compare: { op: 'gte', value: 50 } }],
            },
          ],
        },
        { type: 'not', condition: { type: 'visitor_type', value: 'new' } },
      ],
    };
    expect(passes(rule)).toBe(true);
    expect(passes(rule, visitor({ scrollDepth: 10 }))).toBe(false);
    expect(passes(rule, visitor({ returning: false }))).toBe(false);
  });

  it('explains every node with its actual value and reason', () => {
    const result = evaluateRule(
      { conditions: { type: 'all', conditions: [onProducts, { type: 'not', condition: bigCart }] } },
      ctx(),
    );
    expect(result.matches).toBe(false);
    const root = result.explain[0]!;
    expect(root).toMatchObject({ passed: false, actual: 1, reason: '1 of 2 conditions hold, needs all' });
    expect(root.children?.[0]).toMatchObject({ passed: true, actual: '/products/42/reviews' });
    expect(root.children?.[1]?.children?.[0]).toMatchObject({
      passed: true,
      actual: 129.9,
      reason: 'cart value is 129.9, needs > 100',
    });
  });
});

describe('nextCheckAt', () => {
  const longOnPage: Condition = { type: 'time_on_page', compare: { op: 'gte', value: 120 } };

  it('is when time on page reaches its threshold', () => {
    const r = evaluateRule({ conditions: longOnPage }, ctx());
    expect(r.matches).toBe(false);
    expect(r.nextCheckAt).toBe(NOW - 60_000 + 120_000);
    // And at that moment the rule matches.
    expect(evaluateRule({ conditions: longOnPage }, ctx(visitor(), r.nextCheckAt)).matches).toBe(true);
    expect(evaluateRule({ conditions: longOnPage }, ctx(visitor(), (r.nextCheckAt ?? 0) - 1)).matches).toBe(
      false,
    );
  });

  it('uses the step after the threshold for strict comparisons and the end of a range', () => {
    const gt = evaluateRule(
      { conditions: { type: 'time_on_page', compare: { op: 'gt', value: 90 } } },
      ctx(),
    );
    expect(gt.nextCheckAt).toBe(NOW - 60_000 + 91_000);
    const lt = evaluateRule(
      { conditions: { type: 'time_on_page', compare: { op: 'lt', value: 90 } } },
      ctx(),
    );
    expect(lt.matches).toBe(true);
    expect(lt.nextCheckAt).toBe(NOW - 60_000 + 90_000);
    const between = evaluateRule(
      { conditions: { type: 'time_on_site', compare: { op: 'between', min: 300, max: 900 } } },
      ctx(),
    );
    expect(between.matches).toBe(true);
    expect(between.nextCheckAt).toBe(NOW - 600_000 + 901_000);
  });

  it('is when the visitor has been idle long enough', () => {
    const r = evaluateRule({ conditions: { type: 'idle', compare: { op: 'gte', value: 30 } } }, ctx());
    expect(r.nextCheckAt).toBe(NOW - 5_000 + 30_000);
  });

  it('is undefined when only a new event can change the result', () => {
    expect(
      evaluateRule({ conditions: { type: 'cart_value', compare: { op: 'gt', value: 500 } } }, ctx())
        .nextCheckAt,
    ).toBeUndefined();
    expect(
      evaluateRule({ conditions: { type: 'time_on_page', compare: { op: 'gte', value: 10 } } }, ctx())
        .nextCheckAt,
    ).toBeUndefined();
  });

  it('waits for the last failing child of an all group, not the first', () => {
    const r = evaluateRule(
      {
        conditions: {
          type: 'all',
          conditions: [longOnPage, { type: 'idle', compare: { op: 'gte', value: 30 } }],
        },
      },
      ctx(),
    );
    expect(r.nextCheckAt).toBe(NOW + 60_000);
  });

  it('gives up on an all group whose failing child never changes by itself', () => {
    const r = evaluateRule(
      { conditions: { type: 'all', conditions: [longOnPage, { type: 'country', in: ['FR'] }] } },
      ctx(),
    );
    expect(r.nextCheckAt).toBeUndefined();
  });

  it('takes the first child that can turn an any group true', () => {
    const r = evaluateRule(
      {
        conditions: {
          type: 'any',
          conditions: [
            longOnPage,
            { type: 'idle', compare: { op: 'gte', value: 30 } },
            { type: 'country', in: ['FR'] },
          ],
        },
      },
      ctx(),
    );
    expect(r.nextCheckAt).toBe(NOW + 25_000);
  });

  it('handles not of any: matches until one of the children becomes true', () => {
    const rule = {
      conditions: {
        type: 'not',
        condition: {
          type: 'any',
          conditions: [longOnPage, { type: 'idle', compare: { op: 'gte', value: 30 } }],
        },
      } satisfies Condition,
    };
    const r = evaluateRule(rule, ctx());
    expect(r.matches).toBe(true);
    expect(r.nextCheckAt).toBe(NOW + 25_000);
    expect(evaluateRule(rule, ctx(visitor(), NOW + 25_000)).matches).toBe(false);
  });

  it('for a passing any group waits until every passing child can fail', () => {
    const shortIdle = { type: 'idle', compare: { op: 'lt', value: 20 } } as const; // fails at +15 s
    const shortPage = { type: 'time_on_page', compare: { op: 'lt', value: 100 } } as const; // fails at +40 s
    const r = evaluateRule({ conditions: { type: 'any', conditions: [shortIdle, shortPage] } }, ctx());
    expect(r.matches).toBe(true);
    expect(r.nextCheckAt).toBe(NOW + 40_000);
    const sticky = evaluateRule(
      { conditions: { type: 'any', conditions: [shortIdle, { type: 'country', in: ['DE'] }] } },
      ctx(),
    );
    expect(sticky.nextCheckAt).toBeUndefined();
  });

  it('is when a counted event leaves its window and the count drops below the minimum', () => {
    const state = visitor({
      recentEvents: events(
        ['size_guide', NOW - 50_000],
        ['size_guide', NOW - 40_000],
        ['size_guide', NOW - 10_000],
      ),
    });
    const rule = {
      conditions: { type: 'event', name: 'size_guide', minCount: 2, withinSeconds: 60 },
    } as const;
    const r = evaluateRule(rule, ctx(state));
    expect(r.matches).toBe(true);
    // Three in the window; it drops to one when the second oldest (NOW-40 s) expires at NOW+20 s.
    expect(r.nextCheckAt).toBe(NOW + 20_000);
    expect(evaluateRule(rule, ctx(state, NOW + 19_999)).matches).toBe(true);
    expect(evaluateRule(rule, ctx(state, NOW + 20_000)).matches).toBe(false);
  });

  it('is when an exit intent signal expires', () => {
    const r = evaluateRule(
      { conditions: { type: 'exit_intent', withinSeconds: 15 } },
      ctx(visitor({ exitIntentAt: NOW - 5_000 })),
    );
    expect(r.matches).toBe(true);
    expect(r.nextCheckAt).toBe(NOW + 10_000);
  });

  it('is the start date before the trigger starts, then its end date', () => {
    const conditions: Condition = {
      type: 'page',
      field: 'path',
      match: { op: 'prefix', value: '/products' },
    };
    const before = evaluateRule(
      { conditions, controls: { startAt: NOW + 3_600_000, endAt: NOW + 7_200_000 } },
      ctx(),
    );
    expect(before.matches).toBe(false);
    expect(before.nextCheckAt).toBe(NOW + 3_600_000);
    expect(before.explain[0]).toMatchObject({ condition: { type: 'schedule' }, passed: false });
    const during = evaluateRule(
      { conditions, controls: { startAt: NOW - 1, endAt: NOW + 7_200_000 } },
      ctx(),
    );
    expect(during.matches).toBe(true);
    expect(during.nextCheckAt).toBe(NOW + 7_200_000);
    const after = evaluateRule({ conditions, controls: { endAt: NOW } }, ctx());
    expect(after.matches).toBe(false);
    expect(after.nextCheckAt).toBeUndefined();
  });

  it('is the next opening time across a weekend and a DST change', () => {
    // Friday 2026-03-27 18:00 Berlin (CET, UTC+1); clocks go forward on Sunday 29 March.
    const fridayEvening = Date.UTC(2026, 2, 27, 17, 0);
    const r = evaluateRule(
      {
        conditions: {
          type: 'business_hours',
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          from: '09:00',
          to: '17:00',
        },
      },
      ctx(visitor(), fridayEvening, 'Europe/Berlin'),
    );
    expect(r.matches).toBe(false);
    // Monday 09:00 CEST is 07:00 UTC (a fixed-offset calculation would say 08:00).
    expect(r.nextCheckAt).toBe(Date.UTC(2026, 2, 30, 7, 0));
  });
});
