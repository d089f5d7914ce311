import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type InvitationMessage,
  type VisitorClientToServerEvents,
  type VisitorServerToClientEvents,
  type VisitorSignal,
  visitorRoom,
} from '@floorwalker/protocol';
import { connectRedis, type Redis, type RedisKeys } from '@floorwalker/store';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';

/**
 * A stand-in for the collector's `/visitor` namespace in engine tests and benchmarks: a real
 * socket.io server with the Redis adapter on the deployment's `keys.socketChannel` (so the
 * engine's emitter reaches it), tabs joined to their visitor room, invitation feedback appended
 * to the signals stream as the collector does.
 */
export interface VisitorSocketServer {
  url: string;
  /** Opens a tab's socket and resolves once connected. */
  tab(auth: TabAuth): Promise<VisitorTab>;
  close(): Promise<void>;
}

export interface TabAuth {
  site: string;
  visitorId: string;
  sessionId: string;
  pageViewId: string;
}

/** One connected tab and what it received. */
export interface VisitorTab {
  socket: Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>;
  invitations: InvitationMessage[];
  /** Receive times (epoch ms) of `invitations`, same order. */
  receivedAt: number[];
  withdrawn: string[];
  close(): void;
}

export async function startVisitorSockets(redisUrl: string, keys: RedisKeys): Promise<VisitorSocketServer> {
  const pub: Redis = connectRedis(redisUrl, { name: 'test-visitor-pub' });
  const sub: Redis = pub.duplicate();
  const http: HttpServer = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  io.adapter(createAdapter(pub, sub, { key: keys.socketChannel }));
  const namespace = io.of('/visitor');
  namespace.on('connection', (socket) => {
    const auth = socket.handshake.auth as TabAuth;
    void socket.join(visitorRoom(auth.site, auth.visitorId));
    socket.on(
      'invitation:feedback',
      (payload: { invitationId: string; outcome: 'shown' | 'accepted' | 'dismissed' }) => {
        const signal: VisitorSignal = {
          type: 'invitation',
          siteId: auth.site,
          visitorId: auth.visitorId,
          invitationId: payload.invitationId,
          outcome: payload.outcome,
          at: Date.now(),
        };
        void pub.xadd(keys.key('signals'), '*', 's', JSON.stringify(signal));
      },
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const sockets = new Set<Socket>();

  return {
    url,
    async tab(auth) {
      const socket: Socket<VisitorServerToClientEvents, VisitorClientToServerEvents> = connect(
        `${url}/visitor`,
        {
          auth: { ...auth },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        },
      );
      sockets.add(socket);
      const tab: VisitorTab = {
        socket,
        invitations: [],
        receivedAt: [],
        withdrawn: [],
        close: () => {
          socket.close();
          sockets.delete(socket);
        },
      };
      socket.on('invitation', (message) => {
        tab.receivedAt.push(Date.now());
        tab.invitations.push(message);
      });
      socket.on('invitation:withdrawn', ({ invitationId }) => tab.withdrawn.push(invitationId));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return tab;
    },
    async close() {
      for (const s of sockets) s.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      pub.disconnect();
      sub.disconnect();
    },
  };
}
