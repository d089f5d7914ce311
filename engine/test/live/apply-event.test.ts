import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../src/live/apply-event.ts';
import { DEFAULT_CHECKOUT_PATH, derivePresence, type PresenceRules } from '../../src/live/derive-presence.ts';
import type { VisitorModel } from '../../src/live/visitor-model.ts';
import { entry } from '../helpers/stream-entries.ts';

const rules: PresenceRules = {
  idleMs: 60_000,
  leftMs: 120_000,
  leaveGraceMs: 10_000,
  tabAliveMs: 60_000,
  stateTtlMs: 1_800_000,
  checkoutPath: DEFAULT_CHECKOUT_PATH,
};
const T = 1_800_000_000_000;
const at = (ms: number) => ({ serverTs: T + ms });

function run(
  entries: ReturnType<typeof entry>[],
  now: number,
  prior?: { visits: number; session: string },
): VisitorModel {
  let model: VisitorModel | undefined;
  for (const e of entries) model = applyEvent(model, e, prior);
  derivePresence(model!, T + now, rules);
  return model!;
}

describe('applyEvent', () => {
  it('gives the same state whichever tab’s batch arrives first', () => {
    const tabA = [
      entry(
        {
          type: 'page_view',
          pageViewId: 'pv_a_000001',
          url: 'https://s.example/a',
          referrer: 'https://ref.example/',
        },
        at(0),
      ),
      entry(
        { type: 'add_to_cart', pageViewId: 'pv_a_000001', value: 10, quantity: 1, currency: 'EUR' },
        at(3000),
      ),
    ];
    const tabB = [
      entry(
        { type: 'page_view', pageViewId: 'pv_b_000001', url: 'https://s.example/b?utm_source=x' },
        at(1000),
      ),
      entry({ type: 'add_to_cart', pageViewId: 'pv_b_000001', value: 5.5, quantity: 2 }, at(2000)),
    ];
    const one = run([...tabA, ...tabB], 4000).state;
    const two = run([...tabB, ...tabA], 4000).state;
    expect(one).toEqual(two);
    expect(one).toMatchObject({
      referrer: 'https://ref.example/', // the visit's first page is tab A's, even when it arrives last
      utm: { source: '' },
      cart: { value: 15.5, items: 3, currency: 'EUR' },
      pagesThisSession: 2,
      tabs: 2,
      currentPage: { pageViewId: 'pv_a_000001' }, // most recent activity
    });
    expect(one.recentEvents.map((e) => e.ts)).toEqual([T + 2000, T + 3000]);
  });

  it('applies an event once even when it is delivered again', () => {
    const add = entry({ type: 'add_to_cart', value: 20, quantity: 1 }, at(10));
    const engaged = entry({ type: 'engagement', engagedMs: 3000, scrollDepth: 50 }, at(20));
    const state = run([entry({ type: 'page_view' }, at(0)), add, engaged, add, engaged], 30).state;
    expect(state).toMatchObject({ cart: { items: 1, value: 20 }, engagedMs: 3000, pagesThisSession: 1 });
  });

  it('ignores cart events from before a purchase that arrive after it', () => {
    const state = run(
      [
        entry({ type: 'page_view' }, at(0)),
        entry({ type: 'purchase', value: 50 }, at(5000)),
        entry({ type: 'add_to_cart', value: 50, quantity: 1 }, at(4000)), // late, from another tab
      ],
      6000,
    ).state;
    expect(state).toMatchObject({ purchased: true, cart: { items: 0, value: 0 } });
  });

  it('starts a new visit on a new session and ignores late events of the old one', () => {
    const state = run(
      [
        entry({ type: 'page_view', sessionId: 'session_one_01' }, at(0)),
        entry({ type: 'identify', sessionId: 'session_one_01', traits: { email: 'a@b.example' } }, at(10)),
        entry({ type: 'add_to_cart', sessionId: 'session_one_01', value: 9, quantity: 1 }, at(20)),
        entry(
          {
            type: 'page_view',
            sessionId: 'session_two_01',
            pageViewId: 'pageview_two_1',
            url: 'https://s.example/x',
          },
          at(60_000),
        ),
        entry({ type: 'engagement', sessionId: 'session_one_01', engagedMs: 500, scrollDepth: 10 }, at(30)),
      ],
      61_000,
      { visits: 3, session: 'session_zero_1' },
    ).state;
    expect(state).toMatchObject({
      sessionId: 'session_two_01',
      visitCount: 5, // 3 before, session one, session two
      returning: true,
      pagesThisSession: 1,
      engagedMs: 0,
      identified: { email: 'a@b.example' }, // traits belong to the visitor
      cart: { items: 1, value: 9 }, // so does the shop's cart
      sessionStartedAt: T + 60_000,
    });
  });

  it('continues the visit count when the state expired in the middle of a session', () => {
    const state = run([entry({ type: 'heartbeat', sessionId: 'session_same_1' }, at(0))], 0, {
      visits: 4,
      session: 'session_same_1',
    }).state;
    expect(state.visitCount).toBe(4);
  });
});

describe('derivePresence', () => {
  const visit = [
    entry({ type: 'page_view', url: 'https://s.example/products/1' }, at(0)),
    entry({ type: 'heartbeat', active: false }, at(50_000)),
  ];

  it('goes idle after idleMs without activity while heartbeats still arrive', () => {
    expect(run(visit, 59_000).state).toMatchObject({ presence: 'online', status: 'browsing', tabs: 1 });
    expect(run(visit, 60_000).state).toMatchObject({ presence: 'idle', status: 'idle' });
  });

  it('calls the visitor left after leftMs of silence', () => {
    const model = run(visit, 169_999);
    expect(model.state.presence).toBe('idle');
    expect(run(visit, 170_000).state).toMatchObject({ presence: 'left', status: 'left', tabs: 0 });
  });

  it('waits the grace period after the last tab closed before calling it left', () => {
    const closed = [...visit, entry({ type: 'page_leave' }, at(51_000))];
    expect(run(closed, 51_000 + 9_999).state.presence).not.toBe('left');
    expect(run(closed, 61_000).state.presence).toBe('left');
    // The next page of a navigation reopens the visit.
    const next = [...closed, entry({ type: 'page_view', pageViewId: 'pageview_next1' }, at(52_000))];
    expect(run(next, 61_000).state).toMatchObject({ presence: 'online', pagesThisSession: 2, tabs: 1 });
  });

  it('shows checkout on a checkout path or after checkout_started on the page', () => {
    expect(run([entry({ type: 'page_view', url: 'https://s.example/cart' }, at(0))], 1000).state.status).toBe(
      'checkout',
    );
    expect(
      run([entry({ type: 'page_view', url: 'https://s.example/cartoons' }, at(0))], 1000).state.status,
    ).toBe('browsing');
    const started = run(
      [
        entry({ type: 'page_view', url: 'https://s.example/pay' }, at(0)),
        entry({ type: 'checkout_started' }, at(10)),
      ],
      1000,
    );
    expect(started.state.status).toBe('checkout');
  });

  it('keeps invited and chatting while marked, and schedules the next check', () => {
    const model = run([entry({ type: 'page_view' }, at(0))], 1000);
    model.meta.marks.chattingSince = T + 500;
    const due = derivePresence(model, T + 1000, rules);
    expect(model.state.status).toBe('chatting');
    expect(due).toBe(T + rules.idleMs); // when it turns idle
  });
});
