import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (where `npm start` runs). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** What the `npm start` banner announces. */
export interface StartBanner {
  dashboard: string;
  collector: string;
  snippet: string;
  demo: string;
  /** The Redis URL in use (the private redis-server's when REDIS_URL was unset). */
  redis: string;
  email: string | undefined;
  password: string | undefined;
}

export interface StartedProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The environment of a user's shell for `npm start`: the test runner's own markers and every
 * Floorwalker variable removed, then `overrides` applied (an empty string unsets).
 */
export function userEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'NODE_ENV' || name.startsWith('VITEST') || name === 'TEST') continue;
    env[name] = value;
  }
  for (const name of [
    'REDIS_URL',
    'CLICKHOUSE_URL',
    'CLICKHOUSE_PATH',
    'INITIAL_ADMIN_EMAIL',
    'INITIAL_ADMIN_PASSWORD',
  ]) {
    delete env[name];
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === '') delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs `node scripts/start.mjs` (what `npm start` runs) with the given environment. */
export function spawnStart(env: NodeJS.ProcessEnv): StartedProcess {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, output: () => output, exited };
}

/** Waits until the banner's last line appears (or the process exits) and parses the banner. */
export async function waitForBanner(started: StartedProcess, timeoutMs: number): Promise<StartBanner> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void started.exited.then(() => {
    exited = true;
  });
  while (!started.output().includes('Press Ctrl-C to stop.')) {
    if (exited) throw new Error(`npm start exited before it was ready:\n${started.output()}`);
    if (Date.now() > deadline)
      throw new Error(`npm start not ready after ${timeoutMs} ms:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const text = started.output();
  const field = (label: string) => new RegExp(`^\\s+${label}:\\s+(\\S+)`, 'm').exec(text)?.[1];
  const required = (label: string) => {
    const value = field(label);
    if (!value) throw new Error(`banner has no "${label}" line:\n${text}`);
    return value;
  };
  return {
    dashboard: required('Dashboard'),
    collector: required('Collector'),
    snippet: required('Snippet'),
    demo: required('Demo shop'),
    redis: /^\s+Redis:.*?(rediss?:\/\/[^\s)]+)/m.exec(text)?.[1] ?? required('Redis'),
    email: field('Email'),
    password: field('Password'),
  };
}
