import type { VisitorClientToServerEvents, VisitorServerToClientEvents } from '@floorwalker/protocol';
import { io, type Socket } from 'socket.io-client';
import type { ChunkContext } from '../chunks/load-chunk.ts';
import { backoff } from '../transport/backoff.ts';

export type VisitorSocket = Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>;

export interface VisitorConnection {
  socket: VisitorSocket;
  /** Disconnects and cancels any pending retry (page hidden into the back/forward cache, opt-out). */
  pause(): void;
  /** Connects again after {@link VisitorConnection.pause}. */
  resume(): void;
}

/** Refusals no retry can fix (`connect_error.data.code` from the collector). */
const PERMANENT = /^FW_SOCKET_(BAD_HANDSHAKE|UNKNOWN_SITE|ORIGIN_FORBIDDEN)$/;

/**
 * Opens the `/visitor` socket on the collector (`ctx.collector`, which may sit under a path
 * prefix behind a proxy: the Engine.IO path follows it). The handshake is read again on every
 * (re)connection, so a reconnecting tab reports its current page view and visibility.
 *
 * WebSocket first, long polling when it fails (proxies that block WebSockets). socket.io retries
 * lost connections itself with capped, jittered backoff; refusals by the server (which socket.io
 * does not retry) are retried here with the snippet's backoff unless no retry can help (unknown
 * site, forbidden origin, bad handshake), and so is a disconnect ordered by the server.
 */
export function connectVisitor(
  ctx: ChunkContext,
  handshake: () => Record<string, unknown>,
): VisitorConnection {
  const base = new URL(ctx.collector);
  const socket: VisitorSocket = io(`${base.origin}/visitor`, {
    path: `${base.pathname.replace(/\/?$/, '/')}socket.io/`,
    auth: (cb) => cb(handshake()),
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    withCredentials: false,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 30_000,
    randomizationFactor: 0.5,
  });
  let attempts = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const retry = () => {
    clearTimeout(timer);
    timer = setTimeout(
      ctx.guard(() => {
        if (!socket.connected) socket.connect();
      }),
      backoff(++attempts),
    );
  };
  socket.on(
    'connect',
    ctx.guard(() => {
      attempts = 0;
      ctx.log('realtime connected');
    }),
  );
  socket.on(
    'connect_error',
    ctx.guard((error: Error & { data?: { code?: string } }) => {
      const code = error.data?.code;
      ctx.log('realtime connect error', code ?? error.message);
      // `active`: socket.io is retrying a network failure itself.
      if (socket.active) return;
      if (code && PERMANENT.test(code)) return;
      retry();
    }),
  );
  socket.on(
    'disconnect',
    ctx.guard((reason: string) => {
      ctx.log('realtime disconnected', reason);
      if (reason === 'io server disconnect') retry();
    }),
  );
  socket.on(
    'error',
    ctx.guard((e: { code: string; message: string }) => ctx.log('realtime error', e.code, e.message)),
  );
  return {
    socket,
    pause() {
      clearTimeout(timer);
      socket.disconnect();
    },
    resume() {
      if (!socket.connected) socket.connect();
    },
  };
}
