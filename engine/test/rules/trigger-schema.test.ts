import {
  type Condition,
  checkRegexSafety,
  checkWildcardSafety,
  issuesOf,
  type TriggerDraft,
  trigger,
  triggerDraft,
} from '@floorwalker/protocol';
import { describe, expect, it } from 'vitest';

const draft = (over: Partial<TriggerDraft> = {}): TriggerDraft => ({
  name: 'Stuck on checkout',
  conditions: {
    type: 'all',
    conditions: [
      { type: 'page', field: 'path', match: { op: 'prefix', value: '/checkout' } },
      { type: 'time_on_page', compare: { op: 'gte', value: 120 } },
    ],
  },
  action: {
    type: 'invite',
    message: { default: 'Need a hand with your order?', byLanguage: { de: 'Brauchen Sie Hilfe?' } },
    sender: { type: 'team', name: 'Support' },
  },
  ...over,
});

function issues(input: unknown) {
  const r = triggerDraft.safeParse(input);
  if (r.success) return [];
  return issuesOf(r.error);
}

describe('regular expression safety', () => {
  it.each(['(a+)+$', '(a|a)*b', '(.*a){12}', '(\\w+\\s?)*$', 'a.*b.*c'])('rejects %s', (pattern) => {
    const verdict = checkRegexSafety(pattern);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.message).toMatch(/^regular expression may backtrack catastrophically/);
  });

  it('names the offending part of the pattern', () => {
    expect(checkRegexSafety('^/x/(a+)+$')).toEqual({
      ok: false,
      message: expect.stringContaining('nested quantifier at "(a+)+" (index 4)'),
    });
    expect(checkRegexSafety('^/x/(a|a)*$')).toEqual({
      ok: false,
      message: expect.stringContaining('quantifier at "a" (index 5)'),
    });
  });

  it('refuses nested repetition up front, even where it happens to be unambiguous', () => {
    for (const pattern of [
      '^([a-z0-9]+\\.)+[a-z]{2,}$',
      '(?:\\w+\\s)*',
      '((x){2,}y)+',
      '(.*a){100}',
      '([^)]+){2}',
    ]) {
      expect(checkRegexSafety(pattern), pattern).toMatchObject({
        ok: false,
        message: expect.stringContaining('nested quantifier'),
      });
    }
    for (const pattern of ['(ab?)?c', '(a)+', '([+*]){3}', '\\(a+\\)+', '[(]a+[)]+', '(a{1})+']) {
      expect(checkRegexSafety(pattern).ok, pattern).toBe(true);
    }
  });

  it.each([
    ['^/products/[^/]+/reviews$', ''],
    ['^/checkout/(shipping|payment)$', 'i'],
    ['order-\\d{3,10}', ''],
    ['^/(shoes|boots)/[a-z-]+$', ''],
    ['(a|b){100}', ''],
    ['\\p{L}+', 'u'],
    ['^/products/.*/reviews$', 's'],
  ])('accepts %s', (pattern, flags) => {
    expect(checkRegexSafety(pattern, flags)).toEqual({ ok: true });
  });

  it('rejects what cannot be analysed, invalid syntax, odd flags and long patterns', () => {
    expect(checkRegexSafety('(\\w+)-\\1')).toMatchObject({
      ok: false,
      message: expect.stringContaining('back-reference'),
    });
    expect(checkRegexSafety('(?=.*a)b')).toMatchObject({
      ok: false,
      message: expect.stringContaining('look-ahead'),
    });
    expect(checkRegexSafety('(')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^invalid regular expression/),
    });
    expect(checkRegexSafety('a', 'g')).toMatchObject({
      ok: false,
      message: expect.stringContaining('flag "g"'),
    });
    expect(checkRegexSafety('a', 'ii')).toMatchObject({ ok: false });
    expect(checkRegexSafety('a'.repeat(301))).toMatchObject({
      ok: false,
      message: expect.stringContaining('300'),
    });
    expect(checkRegexSafety('')).toMatchObject({ ok: false });
  });

  it('caps wildcard size and stars', () => {
    expect(checkWildcardSafety('/products/*/reviews')).toEqual({ ok: true });
    expect(checkWildcardSafety('*a*a*a*a*a*a*a*a*a*a*a')).toMatchObject({ ok: false });
    expect(checkWildcardSafety('')).toMatchObject({ ok: false });
  });
});

describe('trigger drafts', () => {
  it('applies the defaults a new trigger gets', () => {
    const rule = triggerDraft.parse(draft());
    expect(rule.availability).toEqual({ type: 'any_agent' });
    expect(rule.action.autoOpen).toBe(false);
    expect(rule.controls).toEqual({
      status: 'enabled',
      priority: 0,
      budget: { maxPerSession: 1, dismissCooldownSeconds: 0 },
      holdoutPercent: 10,
    });
  });

  it('accepts every condition type in nested groups', () => {
    const everything: Condition = {
      type: 'any',
      conditions: [
        {
          type: 'page',
          field: 'url',
          match: { op: 'regex', pattern: '^https://shop\\.example/', flags: 'i' },
        },
        { type: 'page', field: 'title', match: { op: 'wildcard', pattern: '*Sale*' } },
        { type: 'referrer', match: { op: 'contains', value: 'google' } },
        { type: 'utm', field: 'campaign', match: { op: 'equals', value: 'summer' } },
        { type: 'time_on_site', compare: { op: 'between', min: 60, max: 600 } },
        { type: 'idle', compare: { op: 'gte', value: 30 } },
        { type: 'page_views', compare: { op: 'gt', value: 3 } },
        { type: 'visit_count', compare: { op: 'eq', value: 1 } },
        { type: 'cart_value', compare: { op: 'gte', value: 50 } },
        { type: 'cart_items', compare: { op: 'lt', value: 10 } },
        { type: 'scroll_depth', compare: { op: 'lte', value: 50 } },
        { type: 'visitor_type', value: 'new' },
        { type: 'device', in: ['mobile'] },
        { type: 'country', in: ['DE', 'at'] },
        { type: 'language', in: ['de', 'pt-BR'] },
        {
          type: 'event',
          name: 'add_to_cart',
          props: [{ key: 'sku', match: { op: 'prefix', value: 'SHOE-' } }],
          minCount: 2,
          withinSeconds: 600,
        },
        { type: 'exit_intent', withinSeconds: 10 },
        { type: 'attribute', key: 'plan', match: { op: 'exists' } },
        {
          type: 'not',
          condition: {
            type: 'all',
            conditions: [
              {
                type: 'business_hours',
                days: ['sat', 'sun'],
                from: '22:00',
                to: '06:00',
                timezone: 'Asia/Tokyo',
              },
            ],
          },
        },
      ],
    };
    expect(triggerDraft.safeParse(draft({ conditions: everything })).success).toBe(true);
  });

  it('rejects a catastrophic regex with the path to its pattern', () => {
    const found = issues(
      draft({
        conditions: {
          type: 'all',
          conditions: [{ type: 'page', field: 'path', match: { op: 'regex', pattern: '(a+)+$' } }],
        },
      }),
    );
    expect(found).toEqual([
      {
        path: ['conditions', 'conditions', 0, 'match', 'pattern'],
        message: expect.stringMatching(/^regular expression may backtrack catastrophically/),
      },
    ]);
  });

  it('rejects bad values deep in the tree with their paths', () => {
    const bad = draft({
      conditions: {
        type: 'all',
        conditions: [
          {
            type: 'not',
            condition: {
              type: 'business_hours',
              days: ['mon'],
              from: '9:00',
              to: '17:00',
              timezone: 'Mars/Base',
            },
          },
          { type: 'time_on_page', compare: { op: 'between', min: 10, max: 5 } },
          { type: 'country', in: ['Germany'] },
          { type: 'bogus' } as unknown as Condition,
        ],
      },
    });
    const paths = issues(bad).map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'conditions.conditions.0.condition.from',
        'conditions.conditions.0.condition.timezone',
        'conditions.conditions.1.compare.max',
        'conditions.conditions.2.in.0',
        'conditions.conditions.3.type',
      ]),
    );
  });

  it('rejects empty groups, deep nesting and too many conditions', () => {
    expect(
      issues(draft({ conditions: { type: 'all', conditions: [] } })).map((i) => i.path.join('.')),
    ).toEqual(['conditions.conditions']);
    let deep: Condition = { type: 'visitor_type', value: 'new' };
    for (let i = 0; i < 7; i++) deep = { type: 'not', condition: deep };
    expect(issues(draft({ conditions: deep }))).toEqual([
      { path: ['conditions'], message: 'groups nest at most 6 deep' },
    ]);
    const many: Condition = {
      type: 'all',
      conditions: Array.from({ length: 3 }, () => ({
        type: 'any' as const,
        conditions: Array.from({ length: 25 }, () => ({
          type: 'visitor_type' as const,
          value: 'new' as const,
        })),
      })),
    };
    expect(issues(draft({ conditions: many }))).toEqual([
      { path: ['conditions'], message: 'at most 60 conditions' },
    ]);
  });

  it('rejects bad action, availability and controls with their paths', () => {
    const bad = {
      ...draft(),
      availability: { type: 'team' },
      action: {
        type: 'invite',
        message: { default: '  ', byLanguage: { german: 'Hallo' } },
        sender: { type: 'agent', name: 'Ann', avatarUrl: 'javascript:alert(1)' },
      },
      controls: { holdoutPercent: 150, startAt: 2000, endAt: 1000, budget: { maxPerSession: -1 } },
    };
    const paths = issues(bad).map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'availability.teamId',
        'action.message.default',
        'action.message.byLanguage.german',
        'action.sender.avatarUrl',
        'controls.holdoutPercent',
        'controls.budget.maxPerSession',
      ]),
    );
    const dates = issues({ ...draft(), controls: { startAt: 2000, endAt: 1000 } });
    expect(dates).toEqual([{ path: ['controls', 'endAt'], message: 'end must be after start' }]);
  });

  it('parses a stored trigger with its version metadata', () => {
    const stored = trigger.parse({
      ...draft(),
      id: 'trg_abc',
      siteId: 'site-1',
      version: 3,
      author: 'user-7',
      createdAt: 1_780_000_000_000,
      updatedAt: 1_780_000_500_000,
    });
    expect(stored).toMatchObject({
      id: 'trg_abc',
      version: 3,
      author: 'user-7',
      controls: { holdoutPercent: 10 },
    });
    expect(
      trigger.safeParse({
        ...draft(),
        id: 'trg_abc',
        siteId: 's',
        version: 0,
        author: 'u',
        createdAt: 0,
        updatedAt: 0,
      }).success,
    ).toBe(false);
  });
});
