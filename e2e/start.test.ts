import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { type AddressInfo, createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../scripts/lib/free-port.ts';
import { launchBrowser } from './helpers/browser.ts';
import {
  repoRoot,
  type StartBanner,
  type StartedProcess,
  spawnStart,
  userEnv,
  waitForBanner,
} from './helpers/start-process.ts';

const READY_TIMEOUT_MS = 120_000;
const artifacts = join(repoRoot, 'test-artifacts');

function portOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Logs in through the dashboard's login form and waits for the signed-in shell. */
async function logIn(page: Page, banner: StartBanner, email: string, password: string): Promise<void> {
  await page.goto(banner.dashboard);
  await page.getByLabel(/e-?mail/i).fill(email);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole('button', { name: /sign in|log in/i }).click();
  // The shell: navigation plus a way to sign out, which only a signed-in user sees.
  await page.getByRole('button', { name: /sign out|log out/i }).waitFor({ timeout: 20_000 });
}

/** The site the signed-in shell shows: the seeded demo site, for the admin. */
async function selectedSite(page: Page): Promise<string> {
  return page.getByRole('combobox', { name: 'Site' }).inputValue();
}

async function stopWithSigint(
  started: StartedProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  started.child.kill('SIGINT');
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`npm start did not exit after SIGINT:\n${started.output()}`)), 30_000),
  );
  return Promise.race([started.exited, timeout]);
}

describe('npm start (all-in-one)', () => {
  let browser: Browser;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let first: StartBanner;
  const running: StartedProcess[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(artifacts, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'floorwalker-start-'));
    env = userEnv({
      DATA_DIR: dataDir,
      COLLECTOR_PORT: String(await freePort()),
      DASHBOARD_PORT: String(await freePort()),
      DEMO_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    for (const started of running) if (started.child.exitCode === null) started.child.kill('SIGKILL');
    await browser?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts everything, seeds an admin and the demo site, and stops cleanly on Ctrl-C', async () => {
    const started = spawnStart(env);
    running.push(started);
    const t0 = Date.now();
    first = await waitForBanner(started, READY_TIMEOUT_MS);
    console.log(`npm start (first start, fresh data) ready in ${Date.now() - t0} ms`);

    expect(started.output()).toContain('Seeded the demo site site_demo');
    expect(first.email).toBe('admin@floorwalker.local');
    expect(first.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    // Loopback only by default.
    for (const url of [first.dashboard, first.collector, first.demo])
      expect(new URL(url).hostname).toBe('127.0.0.1');
    const credentials = join(dataDir, 'admin-credentials.txt');
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    expect(
      existsSync(join(dataDir, 'redis', 'appendonlydir')) ||
        existsSync(join(dataDir, 'redis', 'appendonly.aof')),
    ).toBe(true);
    expect(existsSync(join(dataDir, 'clickhouse'))).toBe(true);

    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, first, first.email!, first.password!);
    expect(await selectedSite(page)).toBe('site_demo');
    await page.screenshot({ path: join(artifacts, 'start-dashboard.png'), fullPage: true });

    // The demo shop carries the install snippet, and the browser loads it from the collector.
    const snippetResponse = page.waitForResponse((r) => r.url().startsWith(first.snippet));
    // …and its first batch (the page view) is accepted: the seeded site allows this origin.
    const batchResponse = page.waitForResponse(
      (r) => r.url().startsWith(`${first.collector}/v1/events`) && r.request().method() === 'POST',
    );
    const home = await page.goto(first.demo);
    expect(home?.status()).toBe(200);
    const html = await home!.text();
    expect(html).toContain(`src="${first.snippet}"`);
    expect(html).toContain('data-site="site_demo"');
    const snippet = await snippetResponse;
    expect(snippet.status()).toBe(200);
    expect(snippet.headers()['content-type']).toMatch(/javascript/);
    const batch = await batchResponse;
    expect(batch.status(), await batch.text()).toBeLessThan(300);
    await page.screenshot({ path: join(artifacts, 'start-demo-shop.png') });
    await context.close();

    const exit = await stopWithSigint(started);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(started.output()).toContain('stopped cleanly');
    // Every server is gone, including our private Redis.
    for (const url of [first.dashboard, first.collector, first.demo, first.redis]) {
      expect(await portOpen(url)).toBe(false);
    }
  });

  it('keeps the data on a second start: no reseeding, and the same admin still logs in', async () => {
    if (!first) throw new Error('the first start failed; nothing to start again');
    const started = spawnStart(env);
    running.push(started);
    const t0 = Date.now();
    const second = await waitForBanner(started, READY_TIMEOUT_MS);
    console.log(`npm start (second start, existing data) ready in ${Date.now() - t0} ms`);

    expect(started.output()).toContain('nothing seeded');
    expect(started.output()).not.toContain('Seeded the demo site');
    expect(started.output()).toContain('Admin login (created on the first start)');
    expect(second.email).toBe(first.email);
    expect(second.password).toBe(first.password);

    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, second, first.email!, first.password!);
    expect(await selectedSite(page)).toBe('site_demo');
    await context.close();

    const exit = await stopWithSigint(started);
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it.each([
    ['COLLECTOR_PORT', 'abc'],
    ['REDIS_URL', 'nope'],
    ['DASHBOARD_PORT', '99999'],
  ])('fails fast when %s=%s, naming the variable', async (name, value) => {
    const badDataDir = mkdtempSync(join(tmpdir(), 'floorwalker-bad-'));
    try {
      const started = spawnStart(userEnv({ DATA_DIR: badDataDir, [name]: value }));
      running.push(started);
      const t0 = Date.now();
      const exit = await started.exited;
      expect(exit.code).not.toBe(0);
      expect(started.output()).toContain(name);
      expect(started.output()).toContain('Invalid configuration');
      expect(Date.now() - t0).toBeLessThan(30_000);
      // Nothing was started: no private Redis data folder.
      expect(existsSync(join(badDataDir, 'redis'))).toBe(false);
    } finally {
      rmSync(badDataDir, { recursive: true, force: true });
    }
  });

  it('names the port when one is taken, and leaves nothing running behind', async () => {
    const badDataDir = mkdtempSync(join(tmpdir(), 'floorwalker-busy-'));
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as AddressInfo).port;
    try {
      const started = spawnStart(
        userEnv({
          DATA_DIR: badDataDir,
          COLLECTOR_PORT: String(await freePort()),
          DASHBOARD_PORT: String(busy),
          DEMO_PORT: String(await freePort()),
          LOG_LEVEL: 'warn',
        }),
      );
      running.push(started);
      const exit = await started.exited;
      expect(exit.code).toBe(1);
      expect(started.output()).toContain(`cannot listen on 127.0.0.1:${busy} (EADDRINUSE)`);
      // The private redis-server (started before the failure) was stopped again.
      const leftovers = spawnSync('pgrep', ['-f', badDataDir], { encoding: 'utf8' }).stdout.trim();
      expect(leftovers).toBe('');
    } finally {
      blocker.close();
      rmSync(badDataDir, { recursive: true, force: true });
    }
  });
});
