import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type InvitationMessage,
  type VisitorClientToServerEvents,
  type VisitorServerToClientEvents,
  type VisitorSignal,
  visitorRoom,
  visitorSignal,
} from '@floorwalker/protocol';
import { type Site, siteRegistry } from '@floorwalker/store';
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRedis, type TestRedis } from '../../../test/helpers/stores.ts';
import { attachVisitorSocket, type VisitorSocketServer } from '../../src/visitor-socket/index.ts';

type ClientSocket = Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>;

const SHOP = 'https://shop.example';
const openSite: Site = {
  siteId: 'site_open',
  name: 'Open shop',
  allowedOrigins: [],
  timezone: 'Europe/Berlin',
  respectPrivacySignals: false,
  version: 1,
  deleted: false,
  updatedBy: 'test',
  updatedAt: 0,
};
const lockedSite: Site = {
  ...openSite,
  siteId: 'site_locked',
  name: 'Locked shop',
  allowedOrigins: [`${SHOP}:443/`],
};

let counter = 0;
const id = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${(counter++).toString(36)}`;

function handshake(overrides: Record<string, unknown> = {}) {
  return {
    site: openSite.siteId,
    visitorId: id('visitor'),
    sessionId: id('session'),
    pageViewId: id('pageview'),
    ...overrides,
  };
}

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Collects every event of one kind a client receives. */
function collect<E extends keyof VisitorServerToClientEvents>(socket: ClientSocket, event: E) {
  const seen: Parameters<VisitorServerToClientEvents[E]>[0][] = [];
  // biome-ignore lint/suspicious/noExplicitAny: socket.io-client's typed `on` cannot take a generic event key.
  socket.on(event as any, (payload: Parameters<VisitorServerToClientEvents[E]>[0]) => seen.push(payload));
  return seen;
}

describe('visitor socket (/visitor namespace)', () => {
  let t: TestRedis;
  let http: HttpServer;
  let server: VisitorSocketServer;
  let registry: Registry;
  let url: string;
  const clients: ClientSocket[] = [];

  /** Opens a tab: resolves once connected, rejects with the connect error. */
  function open(auth: Record<string, unknown>, origin = SHOP): Promise<ClientSocket> {
    const socket: ClientSocket = connect(`${url}/visitor`, {
      auth,
      transports: ['websocket'],
      extraHeaders: { origin },
      reconnection: false,
      forceNew: true,
    });
    clients.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  async function refusal(
    auth: Record<string, unknown>,
    origin?: string,
  ): Promise<{ code: string; message: string }> {
    const error = await open(auth, origin).then(
      () => {
        throw new Error('connection was accepted');
      },
      (e: Error & { data?: { code: string; message: string } }) => e,
    );
    expect(error.data).toBeDefined();
    return error.data as { code: string; message: string };
  }

  async function signals(): Promise<VisitorSignal[]> {
    const entries = await t.redis.xrange(t.keys.key('signals'), '-', '+');
    return entries.map(([, fields]) => {
      expect(fields[0]).toBe('s');
      return visitorSignal.parse(JSON.parse(fields[1] ?? ''));
    });
  }

  async function signalsOf(visitorId: string, count: number): Promise<VisitorSignal[]> {
    return waitFor(async () => {
      const mine = (await signals()).filter((s) => s.visitorId === visitorId);
      return mine.length >= count ? mine : undefined;
    }, `${count} signals of ${visitorId}`);
  }

  async function errorCount(code: string): Promise<number> {
    const metric = await registry.getSingleMetric('fw_collector_visitor_socket_errors_total')?.get();
    return metric?.values.find((v) => v.labels.code === code)?.value ?? 0;
  }

  beforeAll(async () => {
    t = await openTestRedis();
    const registrySites = siteRegistry(t.redis, t.keys);
    await registrySites.publish(openSite);
    await registrySites.publish(lockedSite);
    http = createServer();
    registry = new Registry();
    server = attachVisitorSocket({
      server: http,
      redis: t.redis,
      keys: t.keys,
      registry,
      messageBudget: { burst: 20, perSecond: 5 },
      maxDroppedMessages: 40,
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    await server.ready;
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.close();
    await new Promise((resolve) => http?.close(resolve));
    await t?.cleanup();
  });

  describe('handshake', () => {
    it('refuses a connection without ids with FW_SOCKET_BAD_HANDSHAKE naming the bad fields', async () => {
      const data = await refusal({ site: openSite.siteId, visitorId: 'short' });
      expect(data.code).toBe('FW_SOCKET_BAD_HANDSHAKE');
      expect(data.message).toContain('visitorId');
      expect(data.message).toContain('sessionId');
      expect((await refusal({})).code).toBe('FW_SOCKET_BAD_HANDSHAKE');
      expect((await refusal(handshake({ pageViewId: 42 }))).code).toBe('FW_SOCKET_BAD_HANDSHAKE');
    });

    it('refuses an unknown site with FW_SOCKET_UNKNOWN_SITE', async () => {
      expect((await refusal(handshake({ site: 'site_nobody' }))).code).toBe('FW_SOCKET_UNKNOWN_SITE');
    });

    it("refuses an origin outside the site's allowed origins and accepts a listed one", async () => {
      const auth = handshake({ site: lockedSite.siteId });
      expect((await refusal(auth, 'https://evil.example')).code).toBe('FW_SOCKET_ORIGIN_FORBIDDEN');
      expect((await refusal(auth, 'null')).code).toBe('FW_SOCKET_ORIGIN_FORBIDDEN');
      // `https://shop.example:443/` in the list and `https://SHOP.example` from the browser compare equal.
      const socket = await open(auth, 'https://SHOP.example');
      expect(socket.connected).toBe(true);
      socket.disconnect();
    });

    it('accepts any origin for a site without an origin list', async () => {
      const socket = await open(handshake(), 'https://anything.example');
      expect(socket.connected).toBe(true);
      socket.disconnect();
    });

    it('refuses with FW_SOCKET_UNAVAILABLE when the site registry cannot be read', async () => {
      const dead = new Redis({
        port: 1,
        lazyConnect: true,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      const otherHttp = createServer();
      const other = attachVisitorSocket({
        server: otherHttp,
        redis: t.redis,
        keys: t.keys,
        sites: siteRegistry(dead, t.keys),
      });
      await new Promise<void>((resolve) => otherHttp.listen(0, '127.0.0.1', resolve));
      try {
        const socket: ClientSocket = connect(
          `http://127.0.0.1:${(otherHttp.address() as AddressInfo).port}/visitor`,
          {
            auth: handshake(),
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
          },
        );
        clients.push(socket);
        const error = await new Promise<Error & { data?: { code: string } }>((resolve) =>
          socket.once('connect_error', resolve),
        );
        expect(error.data?.code).toBe('FW_SOCKET_UNAVAILABLE');
      } finally {
        await other.close();
        await new Promise((resolve) => otherHttp.close(resolve));
        dead.disconnect();
      }
    });

    it('counts refused connections by code', async () => {
      const metric = await registry.getSingleMetric('fw_collector_visitor_socket_connections_total')?.get();
      const byResult = Object.fromEntries(metric?.values.map((v) => [v.labels.result, v.value]) ?? []);
      expect(byResult.FW_SOCKET_BAD_HANDSHAKE).toBeGreaterThanOrEqual(3);
      expect(byResult.FW_SOCKET_UNKNOWN_SITE).toBeGreaterThanOrEqual(1);
      expect(byResult.FW_SOCKET_ORIGIN_FORBIDDEN).toBeGreaterThanOrEqual(2);
      expect(byResult.ok).toBeGreaterThanOrEqual(2);
    });
  });

  describe('signals', () => {
    it('appends presence on connect, page view change, visibility change and disconnect', async () => {
      const auth = handshake();
      const socket = await open(auth);
      const next = id('pageview');
      socket.emit('presence', { pageViewId: next, active: true });
      socket.emit('presence', { pageViewId: next, active: false });
      // Unchanged presence adds nothing.
      socket.emit('presence', { pageViewId: next, active: false });
      await signalsOf(auth.visitorId, 3);
      socket.disconnect();
      const all = await signalsOf(auth.visitorId, 4);
      const common = {
        type: 'presence',
        siteId: openSite.siteId,
        visitorId: auth.visitorId,
        sessionId: auth.sessionId,
      };
      expect(all).toMatchObject([
        { ...common, pageViewId: auth.pageViewId, connected: true, active: true },
        { ...common, pageViewId: next, connected: true, active: true },
        { ...common, pageViewId: next, connected: true, active: false },
        { ...common, pageViewId: next, connected: false, active: false },
      ]);
      for (const s of all) expect(Math.abs(s.at - Date.now())).toBeLessThan(10_000);
    });

    it('takes `active: false` from the handshake of a tab opened in the background', async () => {
      const auth = handshake({ active: false });
      await open(auth);
      const [first] = await signalsOf(auth.visitorId, 1);
      expect(first).toMatchObject({ type: 'presence', connected: true, active: false });
    });

    it('appends exit intent once per page view', async () => {
      const auth = handshake();
      const socket = await open(auth);
      socket.emit('exit-intent', { pageViewId: auth.pageViewId });
      socket.emit('exit-intent', { pageViewId: auth.pageViewId });
      const later = id('pageview');
      socket.emit('exit-intent', { pageViewId: later });
      const all = await signalsOf(auth.visitorId, 3);
      await new Promise((r) => setTimeout(r, 150));
      const exits = (await signals()).filter(
        (s) => s.visitorId === auth.visitorId && s.type === 'exit_intent',
      );
      expect(exits).toMatchObject([
        {
          type: 'exit_intent',
          siteId: openSite.siteId,
          visitorId: auth.visitorId,
          pageViewId: auth.pageViewId,
        },
        { type: 'exit_intent', pageViewId: later },
      ]);
      expect(all[0]?.type).toBe('presence');
    });

    it('appends invitation feedback (shown, then accepted), dropping repeats', async () => {
      const auth = handshake();
      const socket = await open(auth);
      socket.emit('invitation:feedback', { invitationId: 'inv_1', outcome: 'shown' });
      socket.emit('invitation:feedback', { invitationId: 'inv_1', outcome: 'shown' });
      socket.emit('invitation:feedback', { invitationId: 'inv_1', outcome: 'accepted' });
      await signalsOf(auth.visitorId, 3);
      await new Promise((r) => setTimeout(r, 150));
      const feedback = (await signals()).filter(
        (s) => s.visitorId === auth.visitorId && s.type === 'invitation',
      );
      expect(feedback).toMatchObject([
        {
          type: 'invitation',
          siteId: openSite.siteId,
          visitorId: auth.visitorId,
          invitationId: 'inv_1',
          outcome: 'shown',
        },
        { type: 'invitation', invitationId: 'inv_1', outcome: 'accepted' },
      ]);
    });
  });

  describe('invitations through the Redis emitter', () => {
    const invitation = (over: Partial<InvitationMessage> = {}): InvitationMessage => ({
      invitationId: id('inv'),
      triggerId: 'trigger_checkout',
      pageViewId: 'pv_checkout_1',
      message: 'Need a hand with your order?',
      persona: { name: 'Anna' },
      autoOpen: false,
      expiresAt: Date.now() + 60_000,
      ...over,
    });

    it("reaches every tab of the visitor and no other visitor's tab", async () => {
      const visitorId = id('visitor');
      const tabA = await open(handshake({ visitorId }));
      const tabB = await open(handshake({ visitorId }));
      const stranger = await open(handshake());
      const [gotA, gotB, gotStranger] = [tabA, tabB, stranger].map((s) => collect(s, 'invitation'));

      const emitter = new Emitter(t.redis, { key: t.keys.socketChannel });
      const message = invitation();
      emitter.of('/visitor').to(visitorRoom(openSite.siteId, visitorId)).emit('invitation', message);

      await waitFor(() => gotA?.length && gotB?.length, 'both tabs to receive the invitation');
      expect(gotA).toEqual([message]);
      expect(gotB).toEqual([message]);
      // The stranger shares the site and the node; give a stray delivery time to arrive.
      await new Promise((r) => setTimeout(r, 200));
      expect(gotStranger).toEqual([]);
    });

    it('does not reach the same visitor id on another site', async () => {
      const visitorId = id('visitor');
      const here = await open(handshake({ visitorId }));
      const elsewhere = await open(handshake({ visitorId, site: lockedSite.siteId }));
      const [gotHere, gotElsewhere] = [here, elsewhere].map((s) => collect(s, 'invitation'));
      new Emitter(t.redis, { key: t.keys.socketChannel })
        .of('/visitor')
        .to(visitorRoom(lockedSite.siteId, visitorId))
        .emit('invitation', invitation());
      await waitFor(() => gotElsewhere?.length, 'the locked-site tab to receive it');
      await new Promise((r) => setTimeout(r, 200));
      expect(gotHere).toEqual([]);
    });

    it('withdraws an invitation from the other tabs when one tab accepts or dismisses it', async () => {
      const visitorId = id('visitor');
      const tabs = await Promise.all([
        open(handshake({ visitorId })),
        open(handshake({ visitorId })),
        open(handshake({ visitorId })),
      ]);
      const withdrawn = tabs.map((s) => collect(s, 'invitation:withdrawn'));
      const [first, second] = [invitation(), invitation()];

      tabs[0]?.emit('invitation:feedback', { invitationId: first.invitationId, outcome: 'shown' });
      tabs[0]?.emit('invitation:feedback', { invitationId: first.invitationId, outcome: 'accepted' });
      await waitFor(() => withdrawn[1]?.length && withdrawn[2]?.length, 'the other tabs to be told');
      expect(withdrawn[1]).toEqual([{ invitationId: first.invitationId }]);
      expect(withdrawn[2]).toEqual([{ invitationId: first.invitationId }]);

      tabs[2]?.emit('invitation:feedback', { invitationId: second.invitationId, outcome: 'dismissed' });
      await waitFor(
        () => (withdrawn[1]?.length ?? 0) > 1 && (withdrawn[0]?.length ?? 0) > 0,
        'the dismissal',
      );
      expect(withdrawn[0]).toEqual([{ invitationId: second.invitationId }]);
      expect(withdrawn[2]).toEqual([{ invitationId: first.invitationId }]);
      // `shown` withdraws nothing: each tab keeps showing it until someone answers.
      expect(withdrawn[1]).toHaveLength(2);
    });
  });

  describe('hostile clients', () => {
    it('answers bad payloads and unknown events with coded `error` events, counts them, and stores nothing', async () => {
      const auth = handshake();
      const socket = await open(auth);
      const errors = collect(socket, 'error');
      const before = await errorCount('FW_SOCKET_BAD_PAYLOAD');
      const raw = socket as unknown as { emit(event: string, ...args: unknown[]): void };
      raw.emit('presence', null);
      raw.emit('presence', { pageViewId: 'x'.repeat(5000), active: 'yes' });
      raw.emit('presence', 'garbage');
      raw.emit('exit-intent', { pageViewId: { $gt: '' } });
      raw.emit('invitation:feedback', { invitationId: 'inv_1', outcome: 'purchased' });
      raw.emit('invitation:feedback', [1, 2, 3]);
      raw.emit('invitation:feedback', { invitationId: '', outcome: 'accepted' }, () => undefined);
      raw.emit('admin:delete-everything', { all: true });
      raw.emit('__proto__', {});
      await waitFor(() => errors.length >= 9, '9 error events');
      const codes = errors.map((e) => e.code);
      expect(codes.filter((c) => c === 'FW_SOCKET_BAD_PAYLOAD')).toHaveLength(7);
      expect(codes.filter((c) => c === 'FW_SOCKET_UNKNOWN_EVENT')).toHaveLength(2);
      const messages = errors.map((e) => e.message);
      expect(messages).toContain('Invalid presence payload: pageViewId, active.');
      expect(messages).toContain('Invalid invitation:feedback payload: outcome.');
      expect(messages).toContain('Unknown event admin:delete-everything.');
      expect(await errorCount('FW_SOCKET_BAD_PAYLOAD')).toBe(before + 7);
      expect(socket.connected).toBe(true);
      // Only the connect presence was stored.
      expect(await signalsOf(auth.visitorId, 1)).toHaveLength(1);
    });

    it('drops a flood over the message budget, says so once, then disconnects the socket', async () => {
      const auth = handshake();
      const socket = await open(auth);
      const errors = collect(socket, 'error');
      const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      for (let i = 0; i < 200; i++)
        socket.emit('presence', { pageViewId: auth.pageViewId, active: i % 2 === 0 });
      expect(await disconnected).toBe('io server disconnect');
      expect(errors.filter((e) => e.code === 'FW_SOCKET_RATE_LIMITED')).toHaveLength(1);
      // The burst plus whatever refilled while the flood was processed (more on a loaded
      // machine), then drops: far fewer than the 200 sent were stored.
      const presences = (await signals()).filter((s) => s.visitorId === auth.visitorId);
      expect(presences.length).toBeGreaterThan(10);
      expect(presences.length).toBeLessThan(100);
      expect(await errorCount('FW_SOCKET_RATE_LIMITED')).toBeGreaterThanOrEqual(40);
    });

    it('closes a connection sending an oversized message and keeps serving others', async () => {
      const auth = handshake();
      const socket = await open(auth);
      const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      socket.emit('presence', { pageViewId: 'p'.repeat(64 * 1024), active: true });
      expect(await disconnected).toBe('transport close');
      const healthy = await open(handshake());
      healthy.emit('exit-intent', { pageViewId: id('pageview') });
      expect(healthy.connected).toBe(true);
    });

    it('survives malformed Engine.IO and socket.io frames', async () => {
      const { WebSocket } = await import('ws');
      const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, {
        origin: SHOP,
      });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.send('40/visitor,{"site":');
      ws.send('42/visitor,["presence"');
      ws.send('\u0000\u0001garbage');
      await closed;
      const socket = await open(handshake());
      expect(socket.connected).toBe(true);
    });
  });

  it('records the disconnect of every tab when it closes, and tabs see the server go away', async () => {
    const http2 = createServer();
    const other = attachVisitorSocket({ server: http2, redis: t.redis, keys: t.keys });
    await new Promise<void>((resolve) => http2.listen(0, '127.0.0.1', resolve));
    const auth = handshake();
    const socket: ClientSocket = connect(
      `http://127.0.0.1:${(http2.address() as AddressInfo).port}/visitor`,
      {
        auth,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      },
    );
    clients.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await other.close();
    await other.close();
    expect(await disconnected).toBe('io server disconnect');
    const all = await signalsOf(auth.visitorId, 2);
    expect(all.map((s) => s.type === 'presence' && s.connected)).toEqual([true, false]);
    await new Promise((resolve) => http2.close(resolve));
  });
});
