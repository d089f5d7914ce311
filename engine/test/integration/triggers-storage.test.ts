import type { TriggerDraft } from '@floorwalker/protocol';
import {
  startOfLocalDay,
  type TriggerDecision,
  TriggerNotFoundError,
  TriggerVersionConflictError,
  triggerDecisions,
  triggersRepository,
} from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestClickHouse, type TestClickHouse } from '../../../test/helpers/stores.ts';

const draft = (name: string, message: string, extra: Partial<TriggerDraft> = {}): TriggerDraft => ({
  name,
  conditions: {
    type: 'all',
    conditions: [{ type: 'page', field: 'path', match: { op: 'prefix', value: '/checkout' } }],
  },
  action: { type: 'invite', message: { default: message }, sender: { type: 'team', name: 'Support' } },
  ...extra,
});

describe.each(engines)('trigger storage on %s ClickHouse', (kind) => {
  let t: TestClickHouse;
  beforeAll(async () => {
    t = await openTestClickHouse(kind);
  });
  afterAll(() => t.cleanup());

  it('saves versions with author and time, lists the latest, restores an old one', async () => {
    const repo = triggersRepository(t.ch);
    const first = await repo.save({
      siteId: 's1',
      rule: draft('Checkout help', 'Need a hand?'),
      author: 'alice',
    });
    expect(first.version).toBe(1);
    expect(first.controls.holdoutPercent).toBe(10);
    const second = await repo.save({
      siteId: 's1',
      triggerId: first.id,
      rule: draft('Checkout help', 'Can we help with your order?', {
        controls: { status: 'paused', priority: 5 },
      }),
      author: 'bob',
      expectedVersion: 1,
    });
    expect(second.version).toBe(2);
    expect(second.author).toBe('bob');
    expect(second.createdAt).toBeLessThanOrEqual(second.updatedAt);

    await expect(
      repo.save({
        siteId: 's1',
        triggerId: first.id,
        rule: draft('x', 'y'),
        author: 'carol',
        expectedVersion: 1,
      }),
    ).rejects.toBeInstanceOf(TriggerVersionConflictError);

    const other = await repo.save({
      siteId: 's1',
      rule: draft('Cart', 'Questions?', { controls: { priority: 1 } }),
      author: 'alice',
    });
    expect((await repo.list('s1')).map((tr) => [tr.id, tr.version, tr.controls.status])).toEqual([
      [first.id, 2, 'paused'],
      [other.id, 1, 'enabled'],
    ]);
    expect((await repo.listEnabled('s1')).map((tr) => tr.id)).toEqual([other.id]);
    expect(await repo.list('other-site')).toEqual([]);

    const restored = await repo.restore('s1', first.id, 1, 'carol');
    expect(restored.version).toBe(3);
    expect(restored.action.message.default).toBe('Need a hand?');
    expect(restored.controls.status).toBe('enabled');

    const history = await repo.history('s1', first.id);
    expect(history.map((v) => [v.version, v.author, v.restoredFrom, v.rule.action.message.default])).toEqual([
      [3, 'carol', 1, 'Need a hand?'],
      [2, 'bob', undefined, 'Can we help with your order?'],
      [1, 'alice', undefined, 'Need a hand?'],
    ]);
  });

  it('deletes a trigger as a new version and keeps its history restorable', async () => {
    const repo = triggersRepository(t.ch);
    const tr = await repo.save({ siteId: 's2', rule: draft('Temp', 'Hi'), author: 'alice' });
    await repo.remove('s2', tr.id, 'alice');
    expect(await repo.get('s2', tr.id)).toBeUndefined();
    expect(await repo.list('s2')).toEqual([]);
    await expect(
      repo.save({ siteId: 's2', triggerId: tr.id, rule: draft('x', 'y'), author: 'a' }),
    ).rejects.toBeInstanceOf(TriggerNotFoundError);
    expect((await repo.restore('s2', tr.id, 1, 'bob')).version).toBe(3);
  });

  it('rejects a rule with a catastrophically backtracking pattern at save time', async () => {
    const repo = triggersRepository(t.ch);
    await expect(
      repo.save({
        siteId: 's3',
        rule: draft('Bad', 'Hi', {
          conditions: { type: 'page', field: 'url', match: { op: 'regex', pattern: '^(a+)+$' } },
        }),
        author: 'alice',
      }),
    ).rejects.toThrow();
    expect(await repo.list('s3')).toEqual([]);
  });

  it('records decisions once per decision id and counts today per trigger and outcome', async () => {
    const decisions = triggerDecisions(t.ch);
    const now = Date.now();
    const base: Omit<TriggerDecision, 'decisionId' | 'outcome' | 'invitationId'> = {
      siteId: 's1',
      triggerId: 'trg_a',
      triggerVersion: 2,
      visitorId: 'v1',
      sessionId: 'se1',
      pageViewId: 'pv1',
      reason: '',
      manual: false,
      agentId: '',
      at: now,
    };
    const sent = { ...base, decisionId: 'd1', invitationId: 'i1', outcome: 'sent' as const };
    await decisions.record([sent]);
    await decisions.record([sent]); // a retried decision
    await decisions.record([
      { ...base, decisionId: 'd2', invitationId: 'i2', outcome: 'holdout', visitorId: 'v2' },
      { ...base, decisionId: 'i1:accepted', invitationId: 'i1', outcome: 'accepted' },
      {
        ...base,
        decisionId: 'd3',
        invitationId: 'i3',
        outcome: 'suppressed_no_agent',
        reason: 'no agent online',
      },
      { ...base, decisionId: 'old', invitationId: 'i4', outcome: 'sent', at: now - 3 * 86_400_000 },
    ]);
    expect(await decisions.todayCounts('s1', 'UTC', now)).toEqual({
      trg_a: { sent: 1, holdout: 1, accepted: 1, suppressed_no_agent: 1 },
    });
    const forI1 = await decisions.list({ siteId: 's1', invitationId: 'i1' });
    expect(forI1.map((d) => d.outcome).sort()).toEqual(['accepted', 'sent']);
    expect(forI1.find((d) => d.outcome === 'sent')).toEqual(sent);
  });
});

describe('startOfLocalDay', () => {
  it('finds local midnight across time zones and DST', () => {
    const t = Date.parse('2026-03-29T12:00:00Z'); // Berlin switched to CEST at 01:00 UTC
    expect(new Date(startOfLocalDay(t, 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(startOfLocalDay(t, 'UTC')).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(
      new Date(startOfLocalDay(Date.parse('2026-11-22T03:00:00Z'), 'America/New_York')).toISOString(),
    ).toBe('2026-11-21T05:00:00.000Z');
  });
});
