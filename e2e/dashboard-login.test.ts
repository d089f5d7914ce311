import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { newUserId, siteRegistry, type UserRole, usersRepository } from '@floorwalker/store';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard, hashPassword, loadDashboardConfig } from '../dashboard/src/index.ts';
import {
  openTestClickHouse,
  openTestRedis,
  type TestClickHouse,
  type TestRedis,
} from '../test/helpers/stores.ts';
import { launchBrowser } from './helpers/browser.ts';

const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

describe('dashboard in Chromium', () => {
  let db: TestClickHouse;
  let redis: TestRedis;
  let app: FastifyInstance;
  let browser: Browser;
  let origin: string;

  const seed = async (role: UserRole, email: string, password: string) =>
    usersRepository(db.ch).save(
      {
        userId: newUserId(),
        email,
        name: role === 'admin' ? 'Alex Admin' : 'Ada Agent',
        role,
        passwordHash: await hashPassword(password),
        siteIds: [],
        teams: [],
        maxChats: 3,
      },
      'seed',
    );

  beforeAll(async () => {
    // Build the real React app into dashboard/dist with the same command an operator runs
    // (in a child process: under vitest NODE_ENV=test would give React's development build).
    execFileSync('npm', ['run', 'build', '-w', '@floorwalker/dashboard'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'pipe',
    });
    db = await openTestClickHouse('server');
    redis = await openTestRedis();
    const config = loadDashboardConfig({
      REDIS_URL: redis.url,
      SESSION_SECRET: 'browser-test-secret-0123456789abcdef',
      COLLECTOR_PUBLIC_URL: 'https://collect.shop.test',
      LOG_LEVEL: 'silent',
    });
    app = await buildDashboard({ config, ch: db.ch, redis: redis.redis, keys: redis.keys, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    // localhost is a secure context: Secure cookies and the Clipboard API work over plain HTTP there.
    origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;
    await seed('admin', 'alex@shop.test', 'admin-password-1');
    await seed('agent', 'ada@shop.test', 'agent-password-1');
    browser = await launchBrowser();
    mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await redis?.cleanup();
    await db?.cleanup();
  });

  it('lets an admin log in, create a site in Settings and copy its install snippet', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await page.goto(`${origin}/settings`);
    await page.getByLabel('E-mail address').fill('alex@shop.test');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Wrong e-mail address or password');
    await page.getByLabel('Password').fill('admin-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Settings' }).waitFor();
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Live visitors',
      'Triggers',
      'Chats',
      'Analytics',
      'Settings',
    ]);
    await nav.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Add site' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Garden Shop');
    await page.getByLabel('Allowed origins').fill('https://garden.example\nhttps://www.garden.example');
    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    await page.getByRole('button', { name: 'Create site' }).click();

    const snippet = page.getByTestId('install-snippet');
    await snippet.waitFor();
    const text = (await snippet.textContent()) ?? '';
    const siteId = /data-site="(site_[A-Za-z0-9_-]+)"/.exec(text)?.[1];
    expect(siteId).toBeDefined();
    expect(text).toContain('<script async src="https://collect.shop.test/snippet.js"');

    // The collector's registry in Redis knows the site at once.
    const registered = await siteRegistry(redis.redis, redis.keys).get(siteId!);
    expect(registered).toMatchObject({
      name: 'Garden Shop',
      timezone: 'Europe/Berlin',
      allowedOrigins: ['https://garden.example', 'https://www.garden.example'],
    });

    await page.getByRole('button', { name: 'Copy snippet' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);

    // The site switcher offers the new site and keeps it across a reload (the session survives too).
    const switcher = page.getByRole('combobox', { name: 'Site' });
    expect(await switcher.inputValue()).toBe(siteId);
    await page.reload();
    await page
      .getByTestId('install-snippet')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await page.getByRole('combobox', { name: 'Site' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Site' }).inputValue()).toBe(siteId);

    await page.getByRole('button', { name: /Garden Shop/ }).click();
    await page.getByTestId('install-snippet').waitFor();
    await page.screenshot({ path: `${artifacts}dashboard-settings.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('lets an admin create a user with sites in Settings, who then logs in and sees them', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${origin}/settings/users`);
    await page.getByLabel('E-mail address').fill('alex@shop.test');
    await page.getByLabel('Password').fill('admin-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Sam Support');
    await page.getByLabel('E-mail address').fill('sam@shop.test');
    await page.getByLabel('Role').selectOption('agent');
    await page.getByRole('checkbox', { name: 'Garden Shop' }).check();
    await page.getByLabel('Teams').fill('billing, de');
    await page.getByLabel('Password').fill('sam-password-1');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: 'Sam Support' }).waitFor();
    expect(await page.getByRole('button', { name: /Sam Support/ }).textContent()).toContain('Garden Shop');
    await page.screenshot({ path: `${artifacts}dashboard-users.png`, fullPage: true });

    const samContext = await browser.newContext();
    const sam = await samContext.newPage();
    await sam.goto(`${origin}/`);
    await sam.getByLabel('E-mail address').fill('sam@shop.test');
    await sam.getByLabel('Password').fill('sam-password-1');
    await sam.getByRole('button', { name: 'Sign in' }).click();
    const switcher = sam.getByRole('combobox', { name: 'Site' });
    await switcher.waitFor();
    expect(await switcher.locator('option').allTextContents()).toEqual(['Garden Shop']);

    // Deleting the user signs them out: their next API call is refused.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete user' }).click();
    await page.getByText('Select a user to change').waitFor();
    const status = await sam.evaluate(async () => (await fetch('/api/me')).status);
    expect(status).toBe(401);
    await samContext.close();
    await context.close();
  });

  it('shows an agent only the sections of their role and keeps them out of Settings', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.getByLabel('E-mail address').fill('ada@shop.test');
    await page.getByLabel('Password').fill('agent-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Live visitors' }).waitFor();
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Live visitors', 'Chats']);
    await page.goto(`${origin}/settings`);
    await nav.getByRole('link', { name: 'Live visitors' }).waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/live');
    expect(await page.getByText('No sites assigned').count()).toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await context.close();
  });
});
