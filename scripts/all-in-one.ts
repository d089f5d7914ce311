// The all-in-one runner behind `npm start` (scripts/start.mjs installs and builds first).
// Runnable alone too: `npx tsx scripts/all-in-one.ts`.
import { ConfigError } from '@floorwalker/store';
import { type AllInOne, startAllInOne } from './all-in-one/run.ts';
import { MissingRedisError } from './lib/ensure-redis-server.ts';

function banner(app: AllInOne): string {
  const lines = [
    '',
    'Floorwalker is running (all-in-one).',
    `  Dashboard:  ${app.urls.dashboard}`,
    `  Collector:  ${app.urls.collector}`,
    `  Snippet:    ${app.urls.snippet}`,
    `  Demo shop:  ${app.urls.demo}`,
    `  ClickHouse: ${app.clickhouse}`,
    `  Redis:      ${app.redis}`,
  ];
  if (app.admin) {
    lines.push(
      '',
      app.admin.createdNow ? 'Admin login (created now):' : 'Admin login (created on the first start):',
      `  Email:      ${app.admin.email}`,
      `  Password:   ${app.admin.password}`,
    );
    if (app.admin.file) lines.push(`  Saved in:   ${app.admin.file} (mode 600)`);
  } else {
    lines.push('', 'Admin login: an admin exists already; its password is not stored in this data folder.');
  }
  lines.push(
    '',
    app.seeded
      ? `Seeded the demo site ${app.demoSiteId} (first start).`
      : 'Data kept from the previous start; nothing seeded.',
    `Ready in ${process.uptime().toFixed(1)} s. Press Ctrl-C to stop.`,
    '',
  );
  return lines.join('\n');
}

let stopping = false;
/** Set once connections are being closed: late rejections from them are expected then. */
let closing = false;
const starting = startAllInOne(process.env, {
  onStopping: () => {
    closing = true;
  },
});

// A command still in flight when its Redis connection closes rejects with "Connection is
// closed"; while stopping that is expected and must not turn a clean stop into a crash.
// Otherwise an unhandled rejection is a bug: report it and exit like Node would.
process.on('unhandledRejection', (reason) => {
  if (closing) return;
  console.error('floorwalker: unhandled rejection:', reason);
  process.exit(1);
});

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    console.error(`floorwalker: ${signal} again, exiting without waiting`);
    process.exit(130);
  }
  stopping = true;
  console.log(`\nfloorwalker: ${signal} received, stopping…`);
  // A signal during start waits for the start to finish (or fail and clean up by itself).
  const app = await starting.catch(() => undefined);
  if (!app) return;
  const failures = await app.stop();
  for (const failure of failures) console.error(`floorwalker: while stopping ${failure}`);
  console.log(failures.length === 0 ? 'floorwalker: stopped cleanly.' : 'floorwalker: stopped, with errors.');
  process.exit(failures.length === 0 ? 0 : 1);
}

process.on('SIGINT', (signal) => void stop(signal));
process.on('SIGTERM', (signal) => void stop(signal));

try {
  const app = await starting;
  if (!stopping) console.log(banner(app));
} catch (error) {
  // Configuration errors name the bad variables; a stack trace would only bury that.
  const configError = error instanceof Error && error.message.startsWith('Invalid configuration');
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (configError || error instanceof ConfigError || error instanceof MissingRedisError) {
    console.error(`floorwalker: ${(error as Error).message}`);
  } else if (code === 'EADDRINUSE' || code === 'EACCES') {
    const { address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
    console.error(
      `floorwalker: cannot listen on ${address}:${port} (${code}). Stop what uses it, or choose other ports with COLLECTOR_PORT, DASHBOARD_PORT and DEMO_PORT.`,
    );
  } else {
    console.error('floorwalker: failed to start:', error);
  }
  process.exit(1);
}
