import { triggerChanges } from '@floorwalker/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/helpers/stores.ts';
import { ADMIN, startTestDashboard, type TestClient, type TestDashboard } from '../helpers/test-dashboard.ts';
import { checkoutDraft } from '../helpers/triggers-fixtures.ts';

interface Issue {
  path: (string | number)[];
  message: string;
}

describe.each(engines)('triggers API on %s ClickHouse', (kind) => {
  let t: TestDashboard;
  let admin: TestClient;
  let marketer: TestClient;
  let siteId: string;
  let otherSiteId: string;

  beforeAll(async () => {
    t = await startTestDashboard(kind, {}, {});
    admin = t.client();
    expect((await admin.login(ADMIN.email, ADMIN.password)).statusCode).toBe(200);
    siteId = (await admin.request('POST', '/api/sites', { name: 'Garden', timezone: 'Europe/Berlin' })).json()
      .site.siteId;
    otherSiteId = (await admin.request('POST', '/api/sites', { name: 'Other' })).json().site.siteId;
    await t.seedUser('marketer', 'mia@shop.test', 'marketer-password-1', [siteId]);
    await t.seedUser('agent', 'ada@shop.test', 'agent-password-1', [siteId]);
    marketer = t.client();
    expect((await marketer.login('mia@shop.test', 'marketer-password-1')).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Subscribes to the engines' reload channel and collects the site ids published. */
  async function listenForChanges() {
    const sub = t.redis.redis.duplicate();
    const channel = triggerChanges(t.redis.redis, t.redis.keys).channel;
    const got: string[] = [];
    sub.on('message', (_c: string, message: string) => got.push(message));
    await sub.subscribe(channel);
    return {
      got,
      async waitFor(n: number) {
        await expect.poll(() => got.length, { timeout: 5000 }).toBeGreaterThanOrEqual(n);
      },
      close: () => sub.disconnect(),
    };
  }

  it('creates, edits, pauses, diffs and restores a trigger, every change a new version with its author', async () => {
    const changes = await listenForChanges();
    const created = await marketer.request('POST', `/api/sites/${siteId}/triggers`, checkoutDraft(120));
    expect(created.statusCode).toBe(201);
    const v1 = created.json().trigger;
    expect(v1).toMatchObject({ siteId, version: 1, name: 'Stuck on checkout', controls: { priority: 5 } });
    expect(v1.id).toMatch(/^trg_/);
    expect(v1.today).toMatchObject({ sent: 0, holdout: 0, suppressed: { noAgent: 0 } });
    await changes.waitFor(1);
    expect(changes.got[0]).toBe(siteId);

    // v2: longer threshold, new name.
    const edited = checkoutDraft(180, { name: 'Stuck on checkout (3 min)' });
    const saved = await marketer.request(
      'PUT',
      `/api/sites/${siteId}/triggers/${v1.id}?expectedVersion=1`,
      edited,
    );
    expect(saved.statusCode).toBe(200);
    expect(saved.json().trigger).toMatchObject({ version: 2, name: 'Stuck on checkout (3 min)' });

    // A save based on a stale version is refused.
    const stale = await marketer.request(
      'PUT',
      `/api/sites/${siteId}/triggers/${v1.id}?expectedVersion=1`,
      edited,
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('FW_TRIGGER_VERSION_CONFLICT');

    const diff = await marketer.request('GET', `/api/sites/${siteId}/triggers/${v1.id}/diff?from=1&to=2`);
    expect(diff.statusCode).toBe(200);
    expect(diff.json()).toEqual({
      from: 1,
      to: 2,
      changes: [
        {
          path: ['conditions', 'conditions', 1, 'compare', 'value'],
          kind: 'changed',
          before: 120,
          after: 180,
        },
        { path: ['name'], kind: 'changed', before: 'Stuck on checkout', after: 'Stuck on checkout (3 min)' },
      ],
    });

    const paused = await marketer.request('POST', `/api/sites/${siteId}/triggers/${v1.id}/status`, {
      status: 'paused',
    });
    expect(paused.json().trigger).toMatchObject({ version: 3, controls: { status: 'paused' } });

    const restored = await marketer.request(
      'POST',
      `/api/sites/${siteId}/triggers/${v1.id}/versions/1/restore`,
    );
    expect(restored.statusCode).toBe(200);
    expect(restored.json().trigger).toMatchObject({
      version: 4,
      name: 'Stuck on checkout',
      controls: { status: 'enabled' },
      conditions: { conditions: [{}, { compare: { value: 120 } }] },
    });

    const history = (await marketer.request('GET', `/api/sites/${siteId}/triggers/${v1.id}/versions`)).json();
    expect(history.versions.map((v: { version: number }) => v.version)).toEqual([4, 3, 2, 1]);
    expect(history.versions[0]).toMatchObject({ restoredFrom: 1, deleted: false });
    const mia = (await marketer.request('GET', '/api/me')).json().user.userId;
    expect(new Set(history.versions.map((v: { author: string }) => v.author))).toEqual(new Set([mia]));
    expect(
      history.versions.every((v: { savedAt: number }) => Math.abs(Date.now() - v.savedAt) < 120_000),
    ).toBe(true);

    // Default diff: the latest version against the one before.
    const latestDiff = (await marketer.request('GET', `/api/sites/${siteId}/triggers/${v1.id}/diff`)).json();
    expect(latestDiff).toMatchObject({ from: 3, to: 4 });
    expect(latestDiff.changes.map((c: { path: string[] }) => c.path.join('.'))).toEqual(
      expect.arrayContaining(['controls.status', 'name', 'conditions.conditions.1.compare.value']),
    );

    const list = (await marketer.request('GET', `/api/sites/${siteId}/triggers`)).json();
    expect(list.timezone).toBe('Europe/Berlin');
    expect(list.triggers.map((x: { id: string; version: number }) => [x.id, x.version])).toEqual([
      [v1.id, 4],
    ]);

    // Delete is a new version too; the trigger leaves the list, its history stays and restore brings it back.
    expect((await marketer.request('DELETE', `/api/sites/${siteId}/triggers/${v1.id}`)).statusCode).toBe(204);
    expect((await marketer.request('GET', `/api/sites/${siteId}/triggers/${v1.id}`)).statusCode).toBe(404);
    expect((await marketer.request('GET', `/api/sites/${siteId}/triggers`)).json().triggers).toEqual([]);
    const afterDelete = (
      await marketer.request('GET', `/api/sites/${siteId}/triggers/${v1.id}/versions`)
    ).json();
    expect(afterDelete.versions[0]).toMatchObject({ version: 5, deleted: true });
    const back = await marketer.request('POST', `/api/sites/${siteId}/triggers/${v1.id}/versions/4/restore`);
    expect(back.json().trigger).toMatchObject({ version: 6 });

    // Every change told the engines: create, save, pause, restore, delete, restore.
    await changes.waitFor(6);
    expect(changes.got.every((s) => s === siteId)).toBe(true);
    changes.close();
  });

  it('shows today’s decisions per trigger and outcome', async () => {
    const created = (
      await marketer.request('POST', `/api/sites/${siteId}/triggers`, checkoutDraft(60))
    ).json().trigger;
    const { triggerDecisions } = await import('@floorwalker/store');
    const now = Date.now();
    const decision = (n: number, outcome: string) => ({
      siteId,
      decisionId: `d_${created.id}_${n}`,
      invitationId: `i_${n}`,
      triggerId: created.id,
      triggerVersion: 1,
      visitorId: `v_${n}`,
      sessionId: `s_${n}`,
      pageViewId: `p_${n}`,
      outcome: outcome as 'sent',
      reason: '',
      manual: false,
      agentId: '',
      at: now - n * 1000,
    });
    await triggerDecisions(t.db.ch).record([
      decision(1, 'sent'),
      decision(2, 'sent'),
      decision(3, 'holdout'),
      decision(4, 'suppressed_no_agent'),
      decision(5, 'suppressed_budget'),
      decision(6, 'accepted'),
      decision(7, 'dismissed'),
      decision(8, 'shown'),
      decision(8, 'shown'), // the same decision twice counts once
    ]);
    const list = (await marketer.request('GET', `/api/sites/${siteId}/triggers`)).json();
    const row = list.triggers.find((x: { id: string }) => x.id === created.id);
    expect(row.today).toEqual({
      sent: 2,
      holdout: 1,
      suppressed: { noAgent: 1, budget: 1, schedule: 0, cap: 0 },
      shown: 1,
      accepted: 1,
      dismissed: 1,
      expired: 0,
    });
  });

  it('rejects a catastrophic regular expression at save time with a clear message and its issue path', async () => {
    const draft = checkoutDraft(120);
    const evil = {
      ...draft,
      conditions: {
        type: 'all',
        conditions: [
          { type: 'page', field: 'url', match: { op: 'regex', pattern: '^(a+)+$' } },
          { type: 'referrer', match: { op: 'wildcard', pattern: '*a*a*a*a*a*a*a*a*a*a*a*a*' } },
        ],
      },
    };
    const res = await marketer.request('POST', `/api/sites/${siteId}/triggers`, evil);
    expect(res.statusCode).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('FW_BAD_REQUEST');
    const regexIssue = error.issues.find(
      (i: Issue) => i.path.join('.') === 'conditions.conditions.0.match.pattern',
    );
    expect(regexIssue?.message).toMatch(/backtrack/i);
    expect(
      error.issues.some((i: Issue) => i.path.join('.').startsWith('conditions.conditions.1.match')),
    ).toBe(true);
    // Nothing was saved.
    const list = (await marketer.request('GET', `/api/sites/${siteId}/triggers`)).json();
    expect(
      list.triggers.some((x: { name: string; version: number }) => x.name === draft.name && x.version > 6),
    ).toBe(false);

    // The same applies to an edit.
    const created = (await marketer.request('POST', `/api/sites/${siteId}/triggers`, draft)).json().trigger;
    const edit = await marketer.request('PUT', `/api/sites/${siteId}/triggers/${created.id}`, evil);
    expect(edit.statusCode).toBe(400);
    expect(
      (await marketer.request('GET', `/api/sites/${siteId}/triggers/${created.id}`)).json().trigger.version,
    ).toBe(1);
  });

  it('answers 400 with issue paths for invalid drafts, params and queries, never 5xx', async () => {
    const bad = await marketer.request('POST', `/api/sites/${siteId}/triggers`, {
      name: '',
      conditions: {
        type: 'all',
        conditions: [{ type: 'time_on_page', compare: { op: 'between', min: 9, max: 3 } }],
      },
      action: { type: 'invite', message: { default: '' }, sender: { type: 'team', name: 'S' } },
      controls: { holdoutPercent: 140 },
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().error.issues.map((i: Issue) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'name',
        'conditions.conditions.0.compare.max',
        'action.message.default',
        'controls.holdoutPercent',
      ]),
    );
    const notJson = await marketer.request('POST', `/api/sites/${siteId}/triggers`, 'nope', {
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.statusCode).toBe(400);
    const badDiff = await marketer.request('GET', `/api/sites/${siteId}/triggers/trg_x/diff?from=abc`);
    expect(badDiff.statusCode).toBe(400);
    expect(badDiff.json().error.issues[0].path).toEqual(['from']);
    const badStatus = await marketer.request('POST', `/api/sites/${siteId}/triggers/trg_x/status`, {
      status: 'on',
    });
    expect(badStatus.statusCode).toBe(400);
    expect((await marketer.request('GET', `/api/sites/${siteId}/triggers/trg_missing`)).statusCode).toBe(404);
    expect(
      (await marketer.request('POST', `/api/sites/${siteId}/triggers/trg_missing/versions/1/restore`))
        .statusCode,
    ).toBe(404);
  });

  it('keeps agents out (403), other sites invisible (404) and writes behind CSRF', async () => {
    const agent = t.client();
    expect((await agent.login('ada@shop.test', 'agent-password-1')).statusCode).toBe(200);
    expect((await agent.request('GET', `/api/sites/${siteId}/triggers`)).statusCode).toBe(403);
    const denied = await agent.request('POST', `/api/sites/${siteId}/triggers`, checkoutDraft());
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FW_FORBIDDEN');
    expect(
      (await agent.request('POST', `/api/sites/${siteId}/triggers/backtest`, { trigger: checkoutDraft() }))
        .statusCode,
    ).toBe(403);
    expect((await agent.request('GET', `/api/sites/${siteId}/visitors/v1/explain`)).statusCode).toBe(403);

    expect((await marketer.request('GET', `/api/sites/${otherSiteId}/triggers`)).statusCode).toBe(404);
    expect(
      (await marketer.request('POST', `/api/sites/${otherSiteId}/triggers`, checkoutDraft())).statusCode,
    ).toBe(404);
    expect((await admin.request('GET', `/api/sites/${otherSiteId}/triggers`)).statusCode).toBe(200);

    const noCsrf = await marketer.request('POST', `/api/sites/${siteId}/triggers`, checkoutDraft(), {
      csrf: false,
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('FW_CSRF');
    expect((await t.client().request('GET', `/api/sites/${siteId}/triggers`)).statusCode).toBe(401);
  });
});
