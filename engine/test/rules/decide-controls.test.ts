import { type TriggerControls, triggerControls } from '@floorwalker/protocol';
import { describe, expect, it } from 'vitest';
import {
  type ContactHistory,
  checkContactBudget,
  checkFrequencyCap,
  checkSchedule,
  decideControls,
} from '../../src/rules/index.ts';

const NOW = Date.UTC(2026, 5, 10, 12);
const DAY = 86_400_000;
const fresh: ContactHistory = { sessionInvitations: 0, recentInvitationTimes: [], triggerSendsInWindow: 0 };
const controls = (input: Partial<TriggerControls> = {}): TriggerControls => triggerControls.parse(input);

describe('contact budget', () => {
  it('allows one invitation per session by default', () => {
    const budget = controls().budget;
    expect(checkContactBudget(budget, fresh, NOW)).toEqual({ ok: true });
    expect(checkContactBudget(budget, { ...fresh, sessionInvitations: 1 }, NOW)).toMatchObject({
      ok: false,
      reason: 'suppressed_budget',
    });
  });

  it('limits invitations per period of days and says when room frees up', () => {
    const budget = controls({
      budget: { maxPerSession: 5, maxPerPeriod: { count: 2, days: 7 }, dismissCooldownSeconds: 0 },
    }).budget;
    const twoThisWeek = { ...fresh, recentInvitationTimes: [NOW - 6 * DAY, NOW - 1 * DAY, NOW - 30 * DAY] };
    expect(checkContactBudget(budget, twoThisWeek, NOW)).toEqual({
      ok: false,
      reason: 'suppressed_budget',
      detail: 'invited 2 time(s) in the last 7 day(s) (max 2)',
      until: NOW + DAY,
    });
    const oneThisWeek = { ...fresh, recentInvitationTimes: [NOW - 8 * DAY, NOW - 1 * DAY] };
    expect(checkContactBudget(budget, oneThisWeek, NOW)).toEqual({ ok: true });
  });

  it('waits out the cooldown after a dismissal', () => {
    const budget = controls({ budget: { maxPerSession: 3, dismissCooldownSeconds: 600 } }).budget;
    const dismissed = { ...fresh, lastDismissedAt: NOW - 120_000 };
    expect(checkContactBudget(budget, dismissed, NOW)).toMatchObject({
      ok: false,
      reason: 'suppressed_budget',
      until: NOW + 480_000,
    });
    expect(checkContactBudget(budget, dismissed, NOW + 480_000)).toEqual({ ok: true });
  });
});

describe('frequency cap', () => {
  it('suppresses once the trigger reached its cap in the window', () => {
    const cap = { max: 50, windowSeconds: 3600 };
    expect(checkFrequencyCap(cap, { triggerSendsInWindow: 49 })).toEqual({ ok: true });
    expect(checkFrequencyCap(cap, { triggerSendsInWindow: 50 })).toMatchObject({
      ok: false,
      reason: 'suppressed_cap',
    });
    expect(checkFrequencyCap(undefined, { triggerSendsInWindow: 1e6 })).toEqual({ ok: true });
  });
});

describe('schedule', () => {
  it('suppresses paused triggers and triggers outside their dates', () => {
    expect(checkSchedule(controls({ status: 'paused' }), NOW)).toMatchObject({
      reason: 'suppressed_schedule',
      detail: 'trigger is paused',
    });
    expect(checkSchedule(controls({ startAt: NOW + 1000 }), NOW)).toMatchObject({
      reason: 'suppressed_schedule',
      until: NOW + 1000,
    });
    expect(checkSchedule(controls({ endAt: NOW }), NOW)).toMatchObject({ reason: 'suppressed_schedule' });
    expect(checkSchedule(controls({ startAt: NOW, endAt: NOW + 1 }), NOW)).toEqual({ ok: true });
  });
});

describe('decideControls', () => {
  it('reports schedule before budget before cap', () => {
    const c = controls({ status: 'paused', frequencyCap: { max: 1, windowSeconds: 60 } });
    const exhausted = { ...fresh, sessionInvitations: 9, triggerSendsInWindow: 9 };
    expect(decideControls(c, exhausted, NOW)).toMatchObject({ reason: 'suppressed_schedule' });
    expect(decideControls({ ...c, status: 'enabled' }, exhausted, NOW)).toMatchObject({
      reason: 'suppressed_budget',
    });
    expect(
      decideControls({ ...c, status: 'enabled' }, { ...exhausted, sessionInvitations: 0 }, NOW),
    ).toMatchObject({
      reason: 'suppressed_cap',
    });
    expect(decideControls({ ...c, status: 'enabled' }, fresh, NOW)).toEqual({ ok: true });
  });
});
