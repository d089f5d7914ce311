import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ClickHouseKind,
  newUserId,
  type User,
  type UserRole,
  usersRepository,
} from '@floorwalker/store';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import {
  openTestClickHouse,
  openTestRedis,
  type TestClickHouse,
  type TestRedis,
} from '../../../test/helpers/stores.ts';
import { type DashboardConfig, loadDashboardConfig } from '../../src/config.ts';
import { hashPassword } from '../../src/server/auth/password.ts';
import { buildDashboard } from '../../src/server/build-dashboard.ts';

export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const ADMIN = { email: 'admin@shop.test', password: 'admin-password-1' };

/** A dashboard on real ClickHouse and Redis, with a seeded admin. */
export interface TestDashboard {
  app: FastifyInstance;
  config: Readonly<DashboardConfig>;
  db: TestClickHouse;
  redis: TestRedis;
  admin: User;
  /** Adds a user straight into the repository (as a seed would). */
  seedUser(role: UserRole, email: string, password: string, siteIds?: string[]): Promise<User>;
  /** A fresh cookie jar talking to the app. */
  client(): TestClient;
  close(): Promise<void>;
}

export async function startTestDashboard(
  kind: ClickHouseKind,
  env: NodeJS.ProcessEnv = {},
  options: { distDir?: string } = {},
): Promise<TestDashboard> {
  const db = await openTestClickHouse(kind);
  const redis = await openTestRedis();
  const config = loadDashboardConfig({
    REDIS_URL: redis.url,
    SESSION_SECRET: TEST_SECRET,
    COLLECTOR_PUBLIC_URL: 'https://collect.shop.test',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const distDir = options.distDir ?? mkdtempSync(join(inject('tempRoot'), 'no-dist-'));
  const app = await buildDashboard({
    config,
    ch: db.ch,
    redis: redis.redis,
    keys: redis.keys,
    logger: false,
    distDir,
  });
  const users = usersRepository(db.ch);
  const seedUser = async (role: UserRole, email: string, password: string, siteIds: string[] = []) =>
    users.save(
      {
        userId: newUserId(),
        email,
        name: `${role} ${email.split('@')[0]}`,
        role,
        passwordHash: await hashPassword(password),
        siteIds,
        teams: [],
        maxChats: 3,
      },
      'test',
    );
  const admin = await seedUser('admin', ADMIN.email, ADMIN.password);
  return {
    app,
    config,
    db,
    redis,
    admin,
    seedUser,
    client: () => new TestClient(app),
    async close() {
      await app.close();
      await redis.cleanup();
      await db.cleanup();
    },
  };
}

/** Talks to the app through `inject()` like a browser: keeps cookies and echoes the CSRF cookie. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  /** Sent as `x-forwarded-for`-free remote address; vary it to act as another IP. */
  remoteAddress = '203.0.113.7';

  constructor(private readonly app: FastifyInstance) {}

  async request(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const unsafe = method !== 'GET';
    if (unsafe && options.csrf !== false && !this.cookies.has('fw_csrf'))
      await this.request('GET', '/api/auth/csrf');
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (unsafe && options.csrf !== false) headers['x-csrf-token'] = this.cookies.get('fw_csrf') ?? '';
    Object.assign(headers, options.headers);
    const opts: InjectOptions = { method, url, headers, remoteAddress: this.remoteAddress };
    if (body !== undefined) opts.payload = body as InjectOptions['payload'];
    const res = await this.app.inject(opts);
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const cleared = c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now());
      if (cleared) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  async login(email: string, password: string): Promise<LightMyRequestResponse> {
    return this.request('POST', '/api/auth/login', { email, password });
  }
}
