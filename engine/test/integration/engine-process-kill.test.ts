import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { buildCollector, loadCollectorConfig } from '@floorwalker/collector';
import {
  type InvitationMessage,
  QUEUES,
  type TriggerDraft,
  type VisitorClientToServerEvents,
  type VisitorServerToClientEvents,
} from '@floorwalker/protocol';
import {
  availability,
  type ClickHouse,
  connectRedis,
  ident,
  migrate,
  openServer,
  type Redis,
  siteRegistry,
  sitesRepository,
  sql,
  triggerChanges,
  triggerDecisions,
  triggersRepository,
} from '@floorwalker/store';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestRedis, type TestRedis, testName } from '../../../test/helpers/stores.ts';
import type { TriggerJobData } from '../../src/triggers/check-queue.ts';
import { waitFor } from '../helpers/stream-entries.ts';

/**
 * "Killing the engine process mid-timer and restarting it fires the invitation exactly once",
 * with real processes: the engine runs as its own Node process (`engine/src/main.ts`, configured
 * by environment only) and is SIGKILLed (no shutdown code runs) while visitors' time checks
 * wait in BullMQ; a new engine process takes over. Visitors are socket.io clients of the real
 * collector's `/visitor` namespace, their page views go through its `POST /v1/events`.
 */

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const ORIGIN = 'https://shop.example';
const THRESHOLD_S = 3;

const checkoutRule: TriggerDraft = {
  name: 'Checkout help',
  conditions: {
    type: 'all',
    conditions: [
      { type: 'page', field: 'path', match: { op: 'prefix', value: '/checkout' } },
      { type: 'time_on_page', compare: { op: 'gte', value: THRESHOLD_S } },
    ],
  },
  action: {
    type: 'invite',
    message: { default: 'Need a hand with your order?' },
    sender: { type: 'team', name: 'Support' },
    autoOpen: false,
  },
  controls: { holdoutPercent: 0 },
};

/** One engine process. */
interface EngineProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** One visitor: a tab connected to the collector's `/visitor` socket. */
interface Visitor {
  visitorId: string;
  sessionId: string;
  pageViewId: string;
  socket: Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>;
  invitations: InvitationMessage[];
}

describe('an engine process killed mid-timer', () => {
  let database: string;
  let ch: ClickHouse;
  let r: TestRedis;
  let collector: FastifyInstance;
  let collectorUrl: string;
  let snippetDir: string;
  let checks: Queue<TriggerJobData>;
  let checksConnection: Redis | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const processes: EngineProcess[] = [];
  const visitors: Visitor[] = [];

  const startEngineProcess = (name: string): EngineProcess => {
    // `node --import tsx`, not the `tsx` CLI: the CLI runs the program in a child process, so a
    // SIGKILL of the CLI would leave the engine running.
    const child = spawn(process.execPath, ['--import', 'tsx', 'engine/src/main.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        CLICKHOUSE_URL: inject('clickhouseUrl'),
        CLICKHOUSE_DATABASE: database,
        REDIS_URL: r.url,
        REDIS_PREFIX: r.keys.prefix,
        ENGINE_CONSUMER: name,
        ENGINE_FLUSH_MS: '200',
        LOG_LEVEL: process.env.FW_KILL_LOG ?? 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const engine = { child, output, exited };
    processes.push(engine);
    return engine;
  };

  /** Starts an engine process and waits until it logged that it runs. */
  const startedEngineProcess = async (name: string): Promise<EngineProcess> => {
    const engine = startEngineProcess(name);
    await waitFor(
      () => engine.output.join('').includes('"msg":"engine started"') || engine.child.exitCode !== null,
      60_000,
      `engine ${name} to start`,
    );
    expect(engine.child.exitCode).toBeNull();
    return engine;
  };

  const kill = async (engine: EngineProcess) => {
    engine.child.kill('SIGKILL');
    await engine.exited;
    expect(engine.child.signalCode).toBe('SIGKILL');
  };

  /** A site with the checkout rule and an agent with room for every visitor of the test. */
  const newSite = async () => {
    const siteId = `site_${randomUUID().slice(0, 8)}`;
    const site = await sitesRepository(ch).save(
      {
        siteId,
        name: 'Kill test shop',
        allowedOrigins: [ORIGIN],
        timezone: 'Europe/Berlin',
        respectPrivacySignals: false,
      },
      'test',
    );
    await siteRegistry(r.redis, r.keys).publish(site);
    const trigger = await triggersRepository(ch).save({ siteId, rule: checkoutRule, author: 'marketer' });
    await triggerChanges(r.redis, r.keys).publish(siteId);
    const agents = availability(r.redis, r.keys);
    const online = () =>
      agents.setAgent(siteId, {
        agentId: 'agent_kill',
        name: 'Anna',
        teams: [],
        maxChats: 100,
        activeChats: 0,
        status: 'online',
        lastSeenAt: Date.now(),
      });
    await online();
    // The dashboard's `/agent` socket refreshes presence like this (agents go stale after 60 s).
    clearInterval(heartbeat);
    heartbeat = setInterval(() => void online(), 10_000);
    return { siteId, trigger };
  };

  /** A shopper arriving on /checkout: the page view through HTTP ingest, the tab's socket. */
  const arrive = async (siteId: string): Promise<Visitor> => {
    const id = randomUUID().replaceAll('-', '').slice(0, 16);
    const ids = { visitorId: `v_${id}`, sessionId: `s_${id}`, pageViewId: `pv_${id}` };
    const now = Date.now();
    const response = await fetch(`${collectorUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: JSON.stringify({
        site: siteId,
        sentAt: now,
        events: [
          {
            id: randomUUID(),
            ts: now,
            type: 'page_view',
            ...ids,
            url: `${ORIGIN}/checkout`,
            title: 'Checkout',
            navigation: 'load',
            language: 'en-GB',
          },
        ],
      }),
    });
    expect(response.status).toBeLessThan(300);
    const socket: Visitor['socket'] = io(`${collectorUrl}/visitor`, {
      auth: { site: siteId, ...ids, active: true },
      extraHeaders: { origin: ORIGIN },
      transports: ['websocket'],
      forceNew: true,
    });
    const visitor: Visitor = { ...ids, socket, invitations: [] };
    visitors.push(visitor);
    socket.on('invitation', (m) => visitor.invitations.push(m));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return visitor;
  };

  /** Time checks waiting in BullMQ, by visitor id. */
  const scheduledChecks = async (siteId: string) => {
    const delayed = await checks.getDelayed();
    return new Map(
      delayed.flatMap((job) =>
        job.data.kind === 'check' && job.data.siteId === siteId ? [[job.data.visitorId, job.data.dueAt]] : [],
      ),
    );
  };

  const sentDecisions = async (siteId: string) =>
    (await triggerDecisions(ch).list({ siteId })).filter((d) => d.outcome === 'sent');

  beforeAll(async () => {
    database = testName();
    ch = await openServer({ url: inject('clickhouseUrl'), database });
    await migrate(ch);
    r = await openTestRedis();
    snippetDir = mkdtempSync(join(tmpdir(), 'fw-kill-snippet-'));
    collector = await buildCollector({
      config: loadCollectorConfig({
        REDIS_URL: r.url,
        REDIS_PREFIX: r.keys.prefix,
        SNIPPET_DIR: snippetDir,
        GEOIP_ENABLED: 'false',
        LOG_LEVEL: 'silent',
      }),
      redis: r.redis,
      keys: r.keys,
      logger: false,
      metrics: { processMetrics: false },
    });
    await collector.listen({ host: '127.0.0.1', port: 0 });
    collectorUrl = `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`;
    checksConnection = connectRedis(r.url, { name: 'test-checks', forBullmq: true });
    checks = new Queue<TriggerJobData>(QUEUES.triggerChecks, {
      connection: checksConnection,
      prefix: r.keys.bullPrefix,
    });
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      for (const p of processes) console.error(p.output.join('').slice(-4000));
    }
    for (const p of processes.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    for (const v of visitors.splice(0)) v.socket.close();
  });

  afterAll(async () => {
    clearInterval(heartbeat);
    await checks?.close();
    checksConnection?.disconnect();
    await collector?.close();
    await r?.cleanup();
    await ch?.exec(sql`DROP DATABASE IF EXISTS ${ident(database)}`).catch(() => undefined);
    await ch?.close();
    rmSync(snippetDir, { recursive: true, force: true });
  });

  it('fires the invitation exactly once when the engine is SIGKILLed after scheduling the timer and a new process starts', async () => {
    const { siteId, trigger } = await newSite();
    // Started first: a visitor arriving during a slow start would be past the threshold already.
    const first = await startedEngineProcess('engine-first');
    const visitor = await arrive(siteId);
    const arrivedAt = Date.now();
    // The first engine took the page view and scheduled the time check…
    const dueAt = await waitFor(
      async () => (await scheduledChecks(siteId)).get(visitor.visitorId),
      30_000,
      'the time check to be scheduled',
    );
    expect(dueAt).toBeGreaterThan(Date.now());
    // …and dies before it fires.
    await kill(first);
    expect(Date.now()).toBeLessThan(dueAt);
    expect(visitor.invitations).toEqual([]);

    startEngineProcess('engine-second');
    await waitFor(() => visitor.invitations.length > 0, 60_000, 'the invitation after the restart');
    expect(Date.now() - arrivedAt).toBeGreaterThanOrEqual(THRESHOLD_S * 1000 - 100);
    const sent = await waitFor(
      async () => {
        const d = await sentDecisions(siteId);
        return d.length > 0 ? d : undefined;
      },
      30_000,
      'the sent decision',
    );
    // Long enough for a duplicate to show up (a retried job, a recovered claim).
    await sleep(4000);
    expect(visitor.invitations).toHaveLength(1);
    expect(visitor.invitations[0]).toMatchObject({
      triggerId: trigger.id,
      pageViewId: visitor.pageViewId,
      message: 'Need a hand with your order?',
    });
    expect(await sentDecisions(siteId)).toEqual([
      expect.objectContaining({
        visitorId: visitor.visitorId,
        invitationId: visitor.invitations[0]?.invitationId,
        triggerId: trigger.id,
      }),
    ]);
    expect(sent).toHaveLength(1);
  }, 150_000);

  it('invites every visitor of a burst exactly once when the engine is SIGKILLed in the middle of it', async () => {
    const { siteId } = await newSite();
    const first = await startedEngineProcess('engine-burst-first');
    const burst: Visitor[] = [];
    // Twelve shoppers, one every 400 ms: by the kill some were invited, some wait in BullMQ.
    const early = await arrive(siteId);
    burst.push(early);
    await waitFor(
      async () => (await scheduledChecks(siteId)).has(early.visitorId),
      30_000,
      'the engine to schedule the first check',
    );
    for (let i = 1; i < 12; i++) {
      await sleep(400);
      burst.push(await arrive(siteId));
    }
    await waitFor(() => early.invitations.length > 0, 30_000, 'the first invitations before the kill');
    const scheduled = await scheduledChecks(siteId);
    await kill(first);
    const invitedBeforeKill = burst.filter((v) => v.invitations.length > 0).length;
    expect(invitedBeforeKill).toBeGreaterThan(0);
    // Some were still waiting for their timer when the engine died (the point of the test).
    const waiting = burst.filter((v) => scheduled.has(v.visitorId) && v.invitations.length === 0);
    expect(waiting.length).toBeGreaterThan(0);

    startEngineProcess('engine-burst-second');
    await waitFor(
      () => burst.every((v) => v.invitations.length > 0),
      90_000,
      `all ${burst.length} invitations after the restart`,
    );
    await waitFor(
      async () => (await sentDecisions(siteId)).length >= burst.length,
      30_000,
      'every sent decision',
    );
    await sleep(4000);
    for (const v of burst) {
      expect(v.invitations.map((m) => m.pageViewId)).toEqual([v.pageViewId]);
    }
    const sent = await sentDecisions(siteId);
    expect(sent.map((d) => d.visitorId).sort()).toEqual(burst.map((v) => v.visitorId).sort());
    expect(new Set(sent.map((d) => d.invitationId))).toEqual(
      new Set(burst.map((v) => v.invitations[0]?.invitationId)),
    );
    console.log(
      `burst: ${burst.length} visitors, ${invitedBeforeKill} invited before the kill, ${waiting.length} timers waiting at the kill`,
    );
  }, 240_000);
});
