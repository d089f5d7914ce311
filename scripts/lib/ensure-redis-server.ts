import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where Debian and most other systems put redis-server, searched after PATH. */
const wellKnownDirs = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/opt/homebrew/bin'];

/** The first executable `name` on PATH or in the usual system folders. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  const dirs = [...path.split(delimiter).filter(Boolean), ...wellKnownDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

export class MissingRedisError extends Error {
  readonly code = 'FW_REDIS_MISSING';
}

/** What to tell a user who has no redis-server and cannot be helped automatically. */
export function missingRedisHelp(): string {
  return [
    'redis-server is not installed, and REDIS_URL is not set.',
    'Either install Redis (Debian/Ubuntu):',
    '    sudo apt-get update && sudo apt-get install -y redis-server',
    'or point Floorwalker at a Redis you already run:',
    '    REDIS_URL=redis://127.0.0.1:6379 npm start',
  ].join('\n');
}

/** Options of {@link ensureRedisServer}. */
export interface EnsureRedisServerOptions {
  /** True when running as root (may install packages). Default: `process.getuid() === 0`. */
  isRoot?: boolean;
  /** Progress messages. Default `console.log`. */
  log?: (line: string) => void;
  /** Executable to look for. Default `redis-server`. */
  binary?: string;
}

/**
 * Returns the path of `redis-server`, installing Debian's package with apt-get first when it
 * is missing and we are root. Throws a {@link MissingRedisError} that says exactly what to
 * install when it is missing and we may not install it.
 */
export function ensureRedisServer(options: EnsureRedisServerOptions = {}): string {
  const binary = options.binary ?? 'redis-server';
  const found = findExecutable(binary);
  if (found) return found;
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  const apt = findExecutable('apt-get');
  if (!isRoot || !apt) throw new MissingRedisError(missingRedisHelp());
  const log = options.log ?? console.log;
  log('floorwalker: redis-server is missing; installing Debian’s redis-server package (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'redis-server']]) {
    const result = spawnSync(apt, args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      throw new MissingRedisError(
        `apt-get ${args.join(' ')} failed (exit ${result.status ?? result.signal}).\n${missingRedisHelp()}`,
      );
    }
  }
  const installed = findExecutable(binary);
  if (!installed)
    throw new MissingRedisError(
      `apt-get installed redis-server but it is not on PATH.\n${missingRedisHelp()}`,
    );
  return installed;
}
