import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newUserId, presenceHistory, sitesRepository, usersRepository } from '@floorwalker/store';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildDashboard, hashPassword, loadDashboardConfig } from '../dashboard/src/index.ts';
import { VisitorScript } from '../dashboard/test/helpers/triggers-fixtures.ts';
import {
  openTestClickHouse,
  openTestRedis,
  type TestClickHouse,
  type TestRedis,
} from '../test/helpers/stores.ts';
import { launchBrowser } from './helpers/browser.ts';

const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const HOUR = 3_600_000;
const S = 1000;

describe('Triggers page in Chromium', () => {
  let db: TestClickHouse;
  let redis: TestRedis;
  let app: FastifyInstance;
  let browser: Browser;
  let origin: string;
  let siteId: string;

  beforeAll(async () => {
    // The real React app, built like an operator builds it, into a folder of this test's own
    // (other browser tests build dashboard/dist).
    const distDir = mkdtempSync(join(inject('tempRoot'), 'triggers-dist-'));
    execFileSync(
      'npx',
      ['vite', 'build', '--config', 'vite.config.ts', '--outDir', distDir, '--emptyOutDir'],
      {
        cwd: fileURLToPath(new URL('../dashboard', import.meta.url)),
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: 'pipe',
      },
    );
    db = await openTestClickHouse('server');
    redis = await openTestRedis();
    const config = loadDashboardConfig({
      REDIS_URL: redis.url,
      SESSION_SECRET: 'browser-test-secret-0123456789abcdef',
      COLLECTOR_PUBLIC_URL: 'https://collect.shop.test',
      LOG_LEVEL: 'silent',
    });
    const site = await sitesRepository(db.ch).save(
      {
        siteId: 'site_garden',
        name: 'Garden Shop',
        allowedOrigins: [],
        timezone: 'Europe/Berlin',
        respectPrivacySignals: true,
      },
      'seed',
    );
    siteId = site.siteId;
    await usersRepository(db.ch).save(
      {
        userId: newUserId(),
        email: 'mia@shop.test',
        name: 'Mia Marketer',
        role: 'marketer',
        passwordHash: await hashPassword('marketer-password-1'),
        siteIds: [siteId],
        teams: [],
        maxChats: 3,
      },
      'seed',
    );
    // Yesterday: one shopper stays on checkout for 200 s, one leaves after 60 s; one agent (3 slots) online.
    const h = Math.floor((Date.now() - 20 * HOUR) / HOUR) * HOUR;
    await new VisitorScript(siteId, 'visitor_stays')
      .page(h + 60 * S, '/checkout', { leaveAt: h + 260 * S })
      .insert(db.ch);
    await new VisitorScript(siteId, 'visitor_leaves')
      .page(h + 400 * S, '/checkout', { leaveAt: h + 460 * S })
      .insert(db.ch);
    await presenceHistory(db.ch).record(
      Array.from({ length: 60 }, (_, m) => ({
        siteId,
        minute: h + m * 60_000,
        agent: { agentId: 'a1', status: 'online' as const, maxChats: 3, activeChats: 0, teams: [] },
      })),
    );
    app = await buildDashboard({
      config,
      ch: db.ch,
      redis: redis.redis,
      keys: redis.keys,
      logger: false,
      distDir,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await redis?.cleanup();
    await db?.cleanup();
  });

  const leaf = (page: Page, path: string) =>
    page.locator(`[data-testid="condition-leaf"][data-path="${path}"]`);

  it('lets a marketer build, save, edit, diff, restore and backtest a trigger', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => void d.accept());

    await page.goto(`${origin}/triggers`);
    await page.getByLabel('E-mail address').fill('mia@shop.test');
    await page.getByLabel('Password').fill('marketer-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('No triggers yet').waitFor();
    await page.getByRole('button', { name: 'New trigger' }).click();

    // Build: on /checkout for more than 90 s, on a desktop.
    await page.getByPlaceholder('Stuck on checkout').fill('Checkout helper');
    const time = leaf(page, 'conditions.conditions.1');
    await time.getByLabel('Value').fill('90');
    await page.getByRole('button', { name: '+ Condition' }).first().click();
    const added = leaf(page, 'conditions.conditions.2');
    await added.getByLabel('Condition type').selectOption('device');
    await added.getByRole('checkbox', { name: 'desktop' }).waitFor();

    // A catastrophic regex is flagged inline by the same schema the API uses, and blocks saving.
    const pagePath = leaf(page, 'conditions.conditions.0');
    await pagePath.getByLabel('Operator').selectOption('regex');
    await pagePath.getByLabel('Value').fill('^(a+)+$');
    await expect
      .poll(() => pagePath.locator('[data-path="conditions.conditions.0.match.pattern"]').textContent())
      .toMatch(/backtrack/i);
    await page.getByRole('button', { name: 'Create trigger' }).click();
    await expect
      .poll(() => page.getByTestId('draft-issues').textContent())
      .toContain('conditions.conditions.0.match.pattern');
    await pagePath.getByLabel('Value').fill('^/checkout');
    await expect.poll(() => page.getByTestId('draft-issues').count()).toBe(0);

    await page.getByLabel('Message', { exact: true }).fill('Need a hand with your order?');
    await page.getByRole('button', { name: '+ Language variant' }).click();
    await page.getByLabel('Message (de)').fill('Brauchen Sie Hilfe bei Ihrer Bestellung?');
    await page.getByLabel('Holdout %').fill('0');
    await page.getByRole('button', { name: 'Create trigger' }).click();

    // v1 saved: the editor of the trigger opens.
    await page.getByText(/^Version 1 · saved/).waitFor();
    const triggerId = new URL(page.url()).pathname.split('/')[2] ?? '';
    expect(triggerId).toMatch(/^trg_/);

    // v2: a longer threshold.
    await leaf(page, 'conditions.conditions.1').getByLabel('Value').fill('150');
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText('Saved as version 2').waitFor();
    await page.getByText(/^Version 2 · saved/).waitFor();

    // History: the diff shows the threshold change; restore v1.
    await page.getByRole('tab', { name: 'History' }).click();
    const diff = page.getByTestId('version-diff');
    await diff.waitFor();
    expect(await diff.locator('h3').textContent()).toBe('Changes from v1 to v2');
    const rows = await diff.locator('tbody tr').allTextContents();
    expect(rows).toEqual(['#2 › compare › value90150']);
    await page.screenshot({ path: `${artifacts}triggers-history.png`, fullPage: true });
    await page.getByRole('button', { name: 'Restore v1' }).click();
    await page.getByTestId('version-3').waitFor();
    expect(await page.getByTestId('version-3').textContent()).toContain('restored v1');
    await page.getByText(/^Version 3 · saved/).waitFor();

    // The editor shows v1's definition again; backtest it against yesterday's shoppers.
    await page.getByRole('tab', { name: 'Definition' }).click();
    expect(await leaf(page, 'conditions.conditions.1').getByLabel('Value').inputValue()).toBe('90');
    await page.getByLabel('Backtest days').selectOption('3');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.getByTestId('backtest-chart').locator('svg.recharts-surface').first().waitFor();
    expect(await page.getByTestId('backtest-invited').locator('.stat-value').textContent()).toBe('1');
    expect(await page.getByTestId('backtest-purchased').locator('.stat-value').textContent()).toBe('0');
    // Bars for invitations and a line for staffed slots.
    await expect.poll(() => page.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    expect(await page.locator('.recharts-line').count()).toBe(1);
    await page.getByTestId('backtest-chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${artifacts}triggers-backtest.png`, fullPage: true });

    // The list shows the trigger with its version and status; pausing is one click.
    await page.getByRole('button', { name: '← All triggers' }).click();
    const row = page.getByTestId(`trigger-row-${triggerId}`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Checkout helper');
    expect(await row.textContent()).toContain('v3');
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByText('Paused').waitFor();
    await page.screenshot({ path: `${artifacts}triggers-list.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
