import type { Server as HttpServer } from 'node:http';
import { invitationFeedback, type VisitorSignal, visitorRoom } from '@floorwalker/protocol';
import { type Redis, type RedisKeys, siteRegistry } from '@floorwalker/store';
import { createAdapter } from '@socket.io/redis-adapter';
import { Registry } from 'prom-client';
import { Server } from 'socket.io';
import { authenticateVisitor, type SiteLookup } from './authenticate-visitor.ts';
import { exitIntentPayload, presencePayload } from './client-payloads.ts';
import { createMessageBudget, type MessageBudgetOptions } from './message-budget.ts';
import { createSignalWriter } from './signal-writer.ts';
import { VisitorSocketError, type VisitorSocketErrorCode, visitorSocketErrors } from './socket-errors.ts';
import { createVisitorSocketMetrics, type VisitorSocketMetrics } from './visitor-socket-metrics.ts';
import type { VisitorNamespace, VisitorServer, VisitorSocket } from './visitor-socket-types.ts';

/** The namespace the snippet connects to. */
export const VISITOR_NAMESPACE = '/visitor';

/** The events a browser may send; anything else is answered with `FW_SOCKET_UNKNOWN_EVENT`. */
const CLIENT_EVENTS = new Set(['presence', 'exit-intent', 'invitation:feedback']);

/** Feedback (invitation id + outcome) remembered per tab to drop repeats. */
const FEEDBACK_MEMORY = 64;

/** Minimal logger (fastify's and pino's fit). */
export interface VisitorSocketLogger {
  warn(object: object, message: string): void;
}

/** Options of {@link attachVisitorSocket}. */
export interface VisitorSocketOptions {
  /** The HTTP server to attach to (`fastify.server`). Required. */
  server: HttpServer;
  /**
   * Connection for signals and adapter publishes; owned (and closed) by the caller. The adapter's
   * subscriber is a duplicate of it, owned by this module. Required.
   */
  redis: Redis;
  /** Key names; `keys.socketChannel` is the adapter key the engine's emitter must share. Required. */
  keys: RedisKeys;
  /** Where sites are looked up. Default: the Redis site registry, uncached (pass the collector's cache). */
  sites?: SiteLookup;
  /** Prometheus registry for the namespace's metrics. Default: a private registry. */
  registry?: Registry;
  /** Where dropped signals and refused connections are logged. Default: silent. */
  log?: VisitorSocketLogger;
  /** Engine.IO path. Default `/socket.io` (the snippet derives it from the collector URL). */
  path?: string;
  /** Largest message a client may send, in bytes. Default 16 KiB (the biggest real one is ~300 B). */
  maxPayloadBytes?: number;
  /** Per-socket message budget. Default: bursts of 30, refilled at 2 per second. */
  messageBudget?: MessageBudgetOptions;
  /** Messages dropped over budget after which the socket is disconnected. Default 100. */
  maxDroppedMessages?: number;
  /** Approximate cap of the signals stream (`XADD MAXLEN ~`); 0 = uncapped. Default 0. */
  signalStreamMaxLength?: number;
}

/** The running namespace. */
export interface VisitorSocketServer {
  io: VisitorServer;
  namespace: VisitorNamespace;
  metrics: VisitorSocketMetrics;
  /** Resolves once the adapter listens on Redis (emits published before that are not seen). */
  ready: Promise<void>;
  /**
   * Disconnects every tab (recording their disconnect presence), stops the adapter and the
   * Engine.IO server. Leaves the HTTP server to its owner. Safe to call twice.
   */
  close(): Promise<void>;
}

/**
 * Hosts the socket.io `/visitor` namespace on an existing HTTP server.
 *
 * Each tab connects with `auth = { site, visitorId, sessionId, pageViewId, active? }`, checked
 * against the site registry and the site's allowed origins before the connection is accepted,
 * then joins `visitorRoom(site, visitorId)`: the engine's Redis emitter (same `keys.socketChannel`)
 * reaches every tab of a visitor on any collector node through the Redis adapter.
 *
 * Tabs report presence (connect, disconnect, page view and visibility changes), exit intent and
 * invitation feedback; each becomes a `VisitorSignal` on the Redis stream `keys.key('signals')`.
 * An accepted or dismissed invitation is withdrawn from the visitor's other tabs at once.
 *
 * The socket is untrusted input: every message is budgeted, validated with zod and answered with
 * an `error` event carrying a code when it is refused; nothing a client sends can throw out of a
 * handler.
 */
export function attachVisitorSocket(options: VisitorSocketOptions): VisitorSocketServer {
  const { redis, keys } = options;
  const sites = options.sites ?? siteRegistry(redis, keys);
  const metrics = createVisitorSocketMetrics(options.registry ?? new Registry());
  const writer = createSignalWriter(redis, keys, { maxLength: options.signalStreamMaxLength ?? 0 });
  const maxDropped = options.maxDroppedMessages ?? 100;
  const subscriber = redis.duplicate();
  // The main connection's owner reports Redis errors; this one only needs not to crash the process.
  subscriber.on('error', () => undefined);

  const io: VisitorServer = new Server(options.server, {
    path: options.path ?? '/socket.io',
    serveClient: false,
    maxHttpBufferSize: options.maxPayloadBytes ?? 16 * 1024,
    // Origins are per site, and the site is only known from the handshake: reflect any origin
    // here (no cookies are involved) and enforce the site's list in the namespace middleware.
    cors: { origin: true, credentials: false },
    adapter: createAdapter(redis, subscriber, { key: keys.socketChannel }),
  });
  const namespace: VisitorNamespace = io.of(VISITOR_NAMESPACE);
  // Subscriptions run in order on the subscriber: once a later PING returns, the adapter's
  // PSUBSCRIBE has been processed.
  const ready = subscriber.ping().then(() => undefined);
  ready.catch(() => undefined);

  const pending = new Set<Promise<unknown>>();
  const signal = (s: VisitorSignal) => {
    const p = writer.append(s).then(
      () => metrics.signals.inc({ type: s.type }),
      (error: unknown) => {
        metrics.signalsFailed.inc({ type: s.type });
        options.log?.warn({ err: error, signal: s.type }, 'visitor signal lost: Redis append failed');
      },
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  namespace.use((socket, next) => {
    authenticateVisitor(socket, sites).then(
      (data) => {
        socket.data = data;
        next();
      },
      (error: unknown) => {
        const refusal =
          error instanceof VisitorSocketError ? error : new VisitorSocketError('FW_SOCKET_UNAVAILABLE');
        metrics.connections.inc({ result: refusal.data.code });
        next(refusal);
      },
    );
  });

  namespace.on('connection', (socket: VisitorSocket) => {
    metrics.connections.inc({ result: 'ok' });
    metrics.connected.inc();
    const data = socket.data;
    const room = visitorRoom(data.siteId, data.visitorId);
    void socket.join(room);

    const presence = (connected: boolean) =>
      signal({
        type: 'presence',
        siteId: data.siteId,
        visitorId: data.visitorId,
        sessionId: data.sessionId,
        pageViewId: data.pageViewId,
        connected,
        active: connected && data.active,
        at: Date.now(),
      });
    presence(true);

    const reject = (code: VisitorSocketErrorCode, message?: string) => {
      metrics.errors.inc({ code });
      socket.emit('error', { code, message: message ?? visitorSocketErrors[code].message });
    };

    const budget = createMessageBudget(options.messageBudget);
    let dropped = 0;
    let limited = false;
    socket.use(([event], next) => {
      if (!budget.take()) {
        dropped++;
        metrics.errors.inc({ code: 'FW_SOCKET_RATE_LIMITED' });
        // Tell the client once per streak, not once per message: errors must not amplify a flood.
        if (!limited)
          socket.emit('error', {
            code: 'FW_SOCKET_RATE_LIMITED',
            message: visitorSocketErrors.FW_SOCKET_RATE_LIMITED.message,
          });
        limited = true;
        if (dropped >= maxDropped) socket.disconnect(true);
        return;
      }
      limited = false;
      if (typeof event !== 'string' || !CLIENT_EVENTS.has(event)) {
        return reject('FW_SOCKET_UNKNOWN_EVENT', `Unknown event ${String(event).slice(0, 40)}.`);
      }
      next();
    });

    /** Every handler runs through this: a bug or hostile input never escapes into socket.io. */
    const handle =
      <T>(fn: (payload: T) => void) =>
      (payload: T) => {
        try {
          fn(payload);
        } catch (error) {
          options.log?.warn({ err: error }, 'visitor socket handler failed');
          reject('FW_SOCKET_BAD_PAYLOAD');
        }
      };
    const badPayload = (event: string, issues: { path: PropertyKey[] }[]) => {
      const paths = [...new Set(issues.map((i) => i.path.map(String).join('.') || '(root)'))];
      reject('FW_SOCKET_BAD_PAYLOAD', `Invalid ${event} payload: ${paths.join(', ').slice(0, 200)}.`);
    };

    socket.on(
      'presence',
      handle((payload) => {
        const parsed = presencePayload.safeParse(payload);
        if (!parsed.success) return badPayload('presence', parsed.error.issues);
        const { pageViewId, active } = parsed.data;
        if (pageViewId === data.pageViewId && active === data.active) return;
        data.pageViewId = pageViewId;
        data.active = active;
        presence(true);
      }),
    );

    let exitIntentPageView = '';
    socket.on(
      'exit-intent',
      handle((payload) => {
        const parsed = exitIntentPayload.safeParse(payload);
        if (!parsed.success) return badPayload('exit-intent', parsed.error.issues);
        // Once per page view: a browser that reports it twice adds nothing.
        if (parsed.data.pageViewId === exitIntentPageView) return;
        exitIntentPageView = parsed.data.pageViewId;
        signal({
          type: 'exit_intent',
          siteId: data.siteId,
          visitorId: data.visitorId,
          pageViewId: parsed.data.pageViewId,
          at: Date.now(),
        });
      }),
    );

    const answered = new Set<string>();
    socket.on(
      'invitation:feedback',
      handle((payload) => {
        const parsed = invitationFeedback.safeParse(payload);
        if (!parsed.success) return badPayload('invitation:feedback', parsed.error.issues);
        const { invitationId, outcome } = parsed.data;
        const key = `${outcome}:${invitationId}`;
        if (answered.has(key)) return;
        answered.add(key);
        if (answered.size > FEEDBACK_MEMORY) answered.delete(answered.values().next().value as string);
        signal({
          type: 'invitation',
          siteId: data.siteId,
          visitorId: data.visitorId,
          invitationId,
          outcome,
          at: Date.now(),
        });
        // Answered here: the visitor's other tabs (on any node) must stop offering it.
        if (outcome !== 'shown') socket.to(room).emit('invitation:withdrawn', { invitationId });
      }),
    );

    socket.on('disconnect', () => {
      metrics.connected.dec();
      presence(false);
    });
  });

  let closing: Promise<void> | undefined;
  return {
    io,
    namespace,
    metrics,
    ready,
    close() {
      closing ??= (async () => {
        namespace.local.disconnectSockets(true);
        await Promise.allSettled([...pending]);
        // Let the adapter's subscriptions finish first: disconnecting the subscriber while they are
        // queued rejects them inside the adapter, where nothing handles the rejection.
        await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        await Promise.allSettled([io.sockets, namespace].map(async (nsp) => nsp.adapter.close()));
        io.engine.close();
        if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
        else subscriber.disconnect();
      })();
      return closing;
    },
  };
}
