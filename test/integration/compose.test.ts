// docker-compose.yml and the Dockerfile cannot run here (no Docker engine), so this test keeps
// them honest by reading: every entry file exists, every app's configuration parses from the
// environment compose gives it, ports and health checks line up, the Dockerfile copies what
// exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCollectorConfig } from '@floorwalker/collector';
import { loadDashboardConfig } from '@floorwalker/dashboard';
import { loadEngineConfig } from '@floorwalker/engine';
import { parseEnv } from '@floorwalker/store';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadDemoConfig } from '../../demo/src/config.ts';
import { setupEnvShape } from '../../scripts/setup/config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; target: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

/** What a `.env` next to docker-compose.yml must provide (see its header). */
const dotEnv: Record<string, string> = {
  CLICKHOUSE_PASSWORD: 'ch-secret-0123456789',
  SESSION_SECRET: 'a'.repeat(40),
  INITIAL_ADMIN_EMAIL: 'owner@shop.example',
  INITIAL_ADMIN_PASSWORD: 'correct-horse-battery',
};

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` interpolation. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g,
    (_, name: string, op?: string, arg?: string) => {
      const current = env[name];
      if (current) return current;
      if (op === ':?') throw new Error(`compose: ${name} is required: ${arg}`);
      return op === ':-' ? (arg ?? '') : '';
    },
  );
}

/** Dockerfile stages: name → ENV, EXPOSE and CMD (with the stages they inherit). */
interface Stage {
  from: string;
  env: Record<string, string>;
  expose: number[];
  cmd?: string[];
  entrypoint?: string[];
}
function dockerStages(text: string): Map<string, Stage> {
  const stages = new Map<string, Stage>();
  let current: Stage | undefined;
  for (const line of text.split('\n').map((l) => l.trim())) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      const parent = stages.get(from[1]!);
      current = {
        from: from[1]!,
        env: { ...parent?.env },
        expose: [...(parent?.expose ?? [])],
        ...(parent?.cmd ? { cmd: parent.cmd } : {}),
        ...(parent?.entrypoint ? { entrypoint: parent.entrypoint } : {}),
      };
      if (from[2]) stages.set(from[2], current);
      continue;
    }
    if (!current) continue;
    const env = /^ENV\s+(.+)$/.exec(line);
    if (env) for (const [, k, v] of env[1]!.matchAll(/([A-Z_]+)=(\S+)/g)) current.env[k!] = v!;
    const expose = /^EXPOSE\s+(\d+)/.exec(line);
    if (expose) current.expose.push(Number(expose[1]));
    const cmd = /^CMD\s+(\[.*\])$/.exec(line);
    if (cmd) current.cmd = JSON.parse(cmd[1]!) as string[];
    const entrypoint = /^ENTRYPOINT\s+(\[.*\])$/.exec(line);
    if (entrypoint) current.entrypoint = JSON.parse(entrypoint[1]!) as string[];
  }
  return stages;
}
const dockerfile = read('Dockerfile');
const stages = dockerStages(dockerfile);

/** The environment a service's process sees: Dockerfile ENV, then compose's, interpolated. */
function serviceEnv(name: string): NodeJS.ProcessEnv {
  const service = services[name]!;
  const stage = service.build ? stages.get(service.build.target) : undefined;
  const env: NodeJS.ProcessEnv = { ...stage?.env };
  for (const [k, v] of Object.entries(service.environment ?? {})) env[k] = interpolate(String(v), dotEnv);
  return env;
}

/** The command line a service runs: compose `command` or the stage's CMD, after ENTRYPOINT. */
function serviceCommand(name: string): string[] {
  const service = services[name]!;
  const stage = stages.get(service.build!.target)!;
  return [...(stage.entrypoint ?? []), ...(service.command ?? stage.cmd ?? [])];
}

const apps = {
  setup: (env: NodeJS.ProcessEnv) => parseEnv(setupEnvShape, env),
  collector: loadCollectorConfig,
  engine: loadEngineConfig,
  dashboard: loadDashboardConfig,
  demo: loadDemoConfig,
} as const;

describe('docker-compose.yml', () => {
  it('has the storage services, every app and the demo shop', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['clickhouse', 'collector', 'dashboard', 'demo', 'engine', 'redis', 'setup'].sort(),
    );
  });

  it('pins a ClickHouse server release and runs Redis with AOF on a volume', () => {
    expect(services.clickhouse!.image).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+$/);
    expect(services.redis!.image).toMatch(/^redis:\d+\.\d+/);
    const redisCommand = services.redis!.command!.join(' ');
    expect(redisCommand).toContain('--appendonly yes');
    expect(services.redis!.volumes).toContain('redis-data:/data');
    expect(services.clickhouse!.volumes).toContain('clickhouse-data:/var/lib/clickhouse');
    for (const volume of ['redis-data', 'clickhouse-data']) expect(compose.volumes).toHaveProperty(volume);
  });

  it.each(Object.keys(apps))('runs %s from an entry file that exists', (name) => {
    const command = serviceCommand(name);
    expect(command.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
    const entry = command[3]!;
    expect(existsSync(join(root, entry)), `${entry} missing`).toBe(true);
    expect(stages.get(services[name]!.build!.target)).toBeDefined();
  });

  it.each(Object.keys(apps))('gives %s every variable its configuration needs', (name) => {
    const load = apps[name as keyof typeof apps];
    expect(() => load(serviceEnv(name))).not.toThrow();
  });

  it('refuses to start without the secrets of .env', () => {
    expect(() => interpolate(services.dashboard!.environment!.SESSION_SECRET!, {})).toThrow(/SESSION_SECRET/);
    expect(() => interpolate(services.clickhouse!.environment!.CLICKHOUSE_PASSWORD!, {})).toThrow(
      /CLICKHOUSE_PASSWORD/,
    );
  });

  it('points every app at the compose ClickHouse and Redis with matching credentials', () => {
    const ch = services.clickhouse!.environment!;
    for (const name of ['setup', 'collector', 'engine', 'dashboard']) {
      const env = serviceEnv(name);
      const url = new URL(env.CLICKHOUSE_URL!);
      expect(url.hostname).toBe('clickhouse');
      expect(url.port).toBe('8123');
      expect(url.username).toBe(ch.CLICKHOUSE_USER);
      expect(url.password).toBe(dotEnv.CLICKHOUSE_PASSWORD);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.NODE_ENV).toBe('production');
    }
    // The demo shop and the dashboard hand browsers the same collector address.
    expect(serviceEnv('demo').COLLECTOR_PUBLIC_URL).toBe(serviceEnv('dashboard').COLLECTOR_PUBLIC_URL);
  });

  it.each([
    ['collector', 'COLLECTOR_PORT', 'collector/src', '/healthz'],
    ['dashboard', 'DASHBOARD_PORT', 'dashboard/src', '/api/health'],
    ['demo', 'DEMO_PORT', 'demo/src', '/'],
  ])(
    'publishes %s on the port it listens on, with a health check on a real route',
    (name, portVar, src, path) => {
      const service = services[name]!;
      const env = serviceEnv(name);
      const port = apps[name as keyof typeof apps](env) as unknown as Record<string, number>;
      const listens = port[portVar]!;
      expect(service.ports).toEqual([`${listens}:${listens}`]);
      expect(stages.get(service.build!.target)!.expose).toContain(listens);
      const check = service.healthcheck!.test.join(' ');
      expect(check).toContain(`http://127.0.0.1:${listens}${path}'`);
      if (path !== '/') {
        const sources = ['health/health-route.ts', 'server/http/health-routes.ts'].map((f) =>
          join(root, src, f),
        );
        const text = sources
          .filter(existsSync)
          .map((f) => readFileSync(f, 'utf8'))
          .join('\n');
        expect(text).toContain(`'${path}'`);
      }
    },
  );

  it('starts the apps only after setup succeeded, and setup only once storage is healthy', () => {
    for (const name of ['collector', 'engine', 'dashboard', 'demo']) {
      expect(services[name]!.depends_on).toEqual({ setup: { condition: 'service_completed_successfully' } });
    }
    expect(services.setup!.depends_on).toEqual({
      clickhouse: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    for (const name of ['clickhouse', 'redis']) expect(services[name]!.healthcheck).toBeDefined();
  });
});

describe('Dockerfile', () => {
  it('builds on node:20-bookworm-slim', () => {
    for (const stage of stages.values()) {
      if (!stages.has(stage.from)) expect(stage.from).toBe('node:20-bookworm-slim');
    }
  });

  it('copies paths that exist, including every workspace manifest before npm ci', () => {
    const copies = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].map((m) => m[1]!.split(/\s+/));
    for (const parts of copies) {
      for (const source of parts.slice(0, -1)) {
        if (source !== '.') expect(existsSync(join(root, source)), `COPY ${source}`).toBe(true);
      }
    }
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
    const beforeInstall = dockerfile.slice(0, dockerfile.indexOf('RUN npm ci'));
    for (const ws of workspaces) expect(beforeInstall).toContain(`COPY ${ws}/package.json ${ws}/`);
  });

  it('builds the snippet and the dashboard bundles the apps serve', () => {
    expect(dockerfile).toContain('npm run build -w @floorwalker/snippet');
    expect(dockerfile).toContain('npm run build -w @floorwalker/dashboard');
  });

  it('keeps data, secrets and dependencies out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', 'data', '.env', '.git']) expect(ignored).toContain(entry);
  });
});
