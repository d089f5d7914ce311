import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server we started as a child process, with a way to stop and restart it. */
export interface ManagedService {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  readonly process: () => ChildProcess | undefined;
  /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>;
}

export interface SpawnSpec {
  name: string;
  command: string;
  args: string[];
  port: number;
  url: string;
  dataDir: string;
  /** Resolves true once the service answers. */
  ready(): Promise<boolean>;
  /** How long to wait for `ready`. Default 30 s. */
  readyTimeoutMs?: number;
  /**
   * Run in its own process group, so a Ctrl-C in the terminal reaches only us and we stop the
   * service last, after the apps that use it. Default false.
   */
  ownProcessGroup?: boolean;
}

export async function spawnService(spec: SpawnSpec): Promise<ManagedService> {
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    output = '';
    child = spawn(spec.command, spec.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: spec.ownProcessGroup ?? false,
    });
    child.stdout?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    });
    child.stderr?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    });
    let exited: number | null | undefined;
    child.once('exit', (code) => {
      exited = code;
    });
    const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (exited !== undefined) {
        throw new Error(`${spec.name} exited with code ${exited} while starting:\n${output}`);
      }
      if (await spec.ready().catch(() => false)) return;
      await sleep(100);
    }
    child.kill('SIGKILL');
    throw new Error(`${spec.name} did not become ready on port ${spec.port}:\n${output}`);
  };

  const stop = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill('SIGTERM');
    const timer = setTimeout(() => current.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    name: spec.name,
    port: spec.port,
    url: spec.url,
    dataDir: spec.dataDir,
    process: () => child,
    stop,
    start,
  };
}
