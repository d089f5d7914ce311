import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { freePort } from './free-port.ts';
import { type ManagedService, spawnService } from './process-service.ts';

function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export interface RedisServerOptions {
  dataDir: string;
  port?: number;
  /** Append-only file on (production, `npm start`). Default true. */
  appendOnly?: boolean;
  /** Path of the redis-server binary. Default `redis-server`. */
  binary?: string;
  /** Own process group, so a terminal Ctrl-C does not stop it before its users. Default false. */
  ownProcessGroup?: boolean;
}

/** Starts a private redis-server bound to 127.0.0.1 on a free port. */
export async function startRedisServer(options: RedisServerOptions): Promise<ManagedService> {
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  return spawnService({
    name: 'redis-server',
    command: options.binary ?? 'redis-server',
    args: [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      options.dataDir,
      '--appendonly',
      options.appendOnly === false ? 'no' : 'yes',
      '--save',
      '',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
    ],
    port,
    url: `redis://127.0.0.1:${port}`,
    dataDir: options.dataDir,
    ready: () => pingRedis(port),
    ownProcessGroup: options.ownProcessGroup ?? false,
  });
}
