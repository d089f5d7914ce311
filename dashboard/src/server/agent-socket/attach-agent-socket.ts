import { type AgentAvailabilityStatus, siteRoom, staffRoom } from '@floorwalker/protocol';
import { liveVisitors } from '@floorwalker/store';
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import { z } from 'zod';
import { accessibleSite } from '../live/site-access.ts';
import { type AgentPresenceTracker, agentPresence } from './agent-presence.ts';
import { AgentSocketError, type AgentSocketErrorCode, agentSocketErrors } from './agent-socket-errors.ts';
import type { AgentNamespace, AgentServer, AgentSocket } from './agent-socket-types.ts';

/** The staff namespace. */
export const AGENT_NAMESPACE = '/agent';

/** Options of the `/agent` plugin. */
export interface AgentSocketOptions {
  /** Engine.IO path. Default `/socket.io`. */
  path?: string;
  /** How often presence and sessions are refreshed, ms. Default 20 000 (agents go stale after 60 s). */
  heartbeatMs?: number;
  /** Most visitors sent with a `site:watch` answer. Default 5000. */
  snapshotLimit?: number;
}

/** The running namespace, decorated on the app as `agentSocket` for the features built on it. */
export interface AgentSocketServer {
  io: AgentServer;
  namespace: AgentNamespace;
  presence: AgentPresenceTracker;
  /** Resolves once the adapter listens on Redis (emits published before that are not seen). */
  ready: Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    agentSocket: AgentSocketServer;
  }
}

const sitePayload = z.object({ siteId: z.string().min(1).max(64) });
const statusPayload = z.object({ status: z.enum(['online', 'away', 'offline']) });

/**
 * The origin staff pages are served from: DASHBOARD_PUBLIC_URL, else the addressed host (as the
 * CSRF check decides it, honouring `X-Forwarded-*` only behind a trusted proxy).
 */
function allowedOrigin(
  app: FastifyInstance,
  headers: Record<string, string | string[] | undefined>,
  secure: boolean,
): string | undefined {
  const configured = app.config.DASHBOARD_PUBLIC_URL;
  if (configured) return new URL(configured).origin;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim();
  const proxied = app.config.TRUST_PROXY;
  const host = (proxied && first(headers['x-forwarded-host'])) || first(headers.host);
  const proto = (proxied && first(headers['x-forwarded-proto'])) || (secure ? 'https' : 'http');
  return host ? `${proto}://${host}` : undefined;
}

/**
 * Hosts the socket.io `/agent` namespace on the dashboard's HTTP server.
 *
 * A tab connects with the dashboard's session cookie (no token in the URL); a missing or ended
 * session is refused with the connect error `FW_SOCKET_AUTH_REQUIRED`, a page of another origin
 * with `FW_SOCKET_ORIGIN_FORBIDDEN`. `site:watch` joins `siteRoom(siteId)` for a site the user
 * may see and answers with the visitors online now; the engine's Redis emitter (same
 * `keys.socketChannel`) then reaches the tab on any dashboard node through the Redis adapter.
 * Tabs also carry the staff member's chat availability (see `agentPresence`).
 */
async function agentSocketPlugin(app: FastifyInstance, options: AgentSocketOptions): Promise<void> {
  const { redis, keys } = app;
  const live = liveVisitors(redis, keys);
  const presence = agentPresence({ redis, keys, sites: app.sites });
  const snapshotLimit = options.snapshotLimit ?? 5000;
  const subscriber = redis.duplicate();
  // The main connection's owner reports Redis errors; this one only needs not to crash the process.
  subscriber.on('error', () => undefined);

  const io: AgentServer = new Server(app.server, {
    path: options.path ?? '/socket.io',
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    adapter: createAdapter(redis, subscriber, { key: keys.socketChannel }),
  });
  const namespace: AgentNamespace = io.of(AGENT_NAMESPACE);
  // Subscriptions run in order on the subscriber: once a later PING returns, the adapter's
  // PSUBSCRIBE has been processed.
  const ready = subscriber.ping().then(() => undefined);
  ready.catch(() => undefined);

  const pending = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    pending.add(work);
    void work.finally(() => pending.delete(work)).catch(() => undefined);
    return work;
  };

  namespace.use((socket, next) => {
    const { headers, secure } = socket.handshake;
    const origin = headers.origin;
    // Browsers always send Origin on WebSocket and cross-origin requests; a page of another site
    // must not ride on the staff cookie. (Non-browser clients send none and have no cookie to steal.)
    if (origin && origin !== allowedOrigin(app, headers, secure)) {
      return next(new AgentSocketError('FW_SOCKET_ORIGIN_FORBIDDEN'));
    }
    app.lookupSession.fromCookieHeader(headers.cookie).then(
      (auth) => {
        if (!auth) return next(new AgentSocketError('FW_SOCKET_AUTH_REQUIRED'));
        socket.data = { user: auth.user, sessionId: auth.session.sessionId, watching: new Set() };
        next();
      },
      (error: unknown) => {
        app.log.warn({ err: error }, 'agent socket: session lookup failed');
        next(new AgentSocketError('FW_SOCKET_UNAVAILABLE'));
      },
    );
  });

  namespace.on('connection', (socket: AgentSocket) => {
    const { user } = socket.data;
    void socket.join(staffRoom(user.userId));
    const fail = (code: AgentSocketErrorCode, message: string = agentSocketErrors[code]) =>
      socket.emit('error', { code, message });

    track(presence.connected(socket.id, user)).then(
      (update) => socket.emit('agent:status', update),
      (error: unknown) => app.log.warn({ err: error, userId: user.userId }, 'agent socket: presence failed'),
    );

    socket.on('site:watch', (payload, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      const parsed = sitePayload.safeParse(payload);
      if (!parsed.success) {
        fail('FW_SOCKET_BAD_PAYLOAD');
        return reply({ ok: false, error: 'FW_SOCKET_BAD_PAYLOAD' });
      }
      const { siteId } = parsed.data;
      void track(
        (async () => {
          const site = await accessibleSite(app.sites, user, siteId);
          if (!site) {
            fail('FW_SOCKET_SITE_FORBIDDEN', `You do not have access to site ${siteId}.`);
            return reply({ ok: false, error: 'FW_SOCKET_SITE_FORBIDDEN' });
          }
          // Join first, then read: an update racing the snapshot arrives after it and wins.
          await socket.join(siteRoom(siteId));
          socket.data.watching.add(siteId);
          const visitors = await live.listOnline(siteId, snapshotLimit);
          reply({ ok: true, visitors, serverTime: Date.now() });
        })().catch((error: unknown) => {
          app.log.warn({ err: error, siteId }, 'agent socket: site:watch failed');
          fail('FW_SOCKET_UNAVAILABLE');
          reply({ ok: false, error: 'FW_SOCKET_UNAVAILABLE' });
        }),
      );
    });

    socket.on('site:unwatch', (payload) => {
      const parsed = sitePayload.safeParse(payload);
      if (!parsed.success) return fail('FW_SOCKET_BAD_PAYLOAD');
      socket.data.watching.delete(parsed.data.siteId);
      void socket.leave(siteRoom(parsed.data.siteId));
    });

    socket.on('agent:status', (payload, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      const parsed = statusPayload.safeParse(payload);
      if (!parsed.success) {
        fail('FW_SOCKET_BAD_PAYLOAD');
        return reply({ ok: false, error: 'FW_SOCKET_BAD_PAYLOAD' });
      }
      const status: AgentAvailabilityStatus = parsed.data.status;
      void track(presence.setStatus(user, status)).then(
        (update) => {
          // Every tab of this user, on every node, follows.
          namespace.to(staffRoom(user.userId)).emit('agent:status', update);
          reply({ ok: true, status });
        },
        (error: unknown) => {
          app.log.warn({ err: error, userId: user.userId }, 'agent socket: status change failed');
          reply({ ok: false, error: 'FW_SOCKET_UNAVAILABLE' });
        },
      );
    });

    socket.on('disconnect', () => {
      void track(presence.disconnected(socket.id, user)).catch((error: unknown) =>
        app.log.warn({ err: error, userId: user.userId }, 'agent socket: presence removal failed'),
      );
    });
  });

  // One timer per node: refreshes presence of the tabs connected here and ends tabs whose
  // session ended (logout, password change, expiry).
  const heartbeat = setInterval(() => {
    void track(
      (async () => {
        const sockets = [...namespace.sockets.values()];
        const alive: AgentSocket[] = [];
        for (const socket of sockets) {
          if (await app.sessions.touch(socket.data.sessionId)) alive.push(socket);
          else {
            socket.emit('error', {
              code: 'FW_SOCKET_AUTH_REQUIRED',
              message: agentSocketErrors.FW_SOCKET_AUTH_REQUIRED,
            });
            socket.disconnect(true);
          }
        }
        await presence.heartbeat(alive.map((s) => ({ socketId: s.id, user: s.data.user })));
      })(),
    ).catch((error: unknown) => app.log.warn({ err: error }, 'agent socket: heartbeat failed'));
  }, options.heartbeatMs ?? 20_000);
  heartbeat.unref();

  app.decorate('agentSocket', { io, namespace, presence, ready } satisfies AgentSocketServer);

  // preClose, not onClose: open WebSockets would keep the HTTP server from closing.
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    namespace.local.disconnectSockets(true);
    await Promise.allSettled([...pending]);
    await Promise.allSettled([io.sockets, namespace].map(async (nsp) => nsp.adapter.close()));
    io.engine.close();
    if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
    else subscriber.disconnect();
  });
}

/** The `/agent` namespace plugin (decorates `app.agentSocket`). */
export const agentSocket = fp(agentSocketPlugin, { name: 'fw-agent-socket' });
