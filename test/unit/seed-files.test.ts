import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { persistentSessionSecret } from '../../scripts/all-in-one/session-secret.ts';
import { buildReason } from '../../scripts/lib/builds.mjs';
import {
  randomPassword,
  readAdminCredentials,
  writeAdminCredentials,
} from '../../scripts/seed/admin-credentials.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fw-unit-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('admin credentials file', () => {
  it('round-trips the credentials, readable by the owner only', () => {
    const file = join(tempDir(), 'data', 'admin-credentials.txt');
    const credentials = { email: 'admin@floorwalker.local', password: randomPassword() };
    writeAdminCredentials(file, credentials, 'http://127.0.0.1:8081');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readAdminCredentials(file)).toEqual(credentials);
    expect(readFileSync(file, 'utf8')).toContain('dashboard: http://127.0.0.1:8081');
  });

  it('reads nothing from a missing or mangled file', () => {
    const dir = tempDir();
    expect(readAdminCredentials(join(dir, 'absent.txt'))).toBeUndefined();
    writeFileSync(join(dir, 'bad.txt'), 'email: a@b.c\n');
    expect(readAdminCredentials(join(dir, 'bad.txt'))).toBeUndefined();
  });

  it('generates distinct 20-character passwords', () => {
    const a = randomPassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(randomPassword()).not.toBe(a);
  });
});

describe('session secret of npm start', () => {
  it('is generated once (mode 600) and reused on the next start', () => {
    const file = join(tempDir(), 'session-secret');
    const first = persistentSessionSecret(file);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(persistentSessionSecret(file)).toBe(first);
  });
});

describe('bundle staleness', () => {
  it('builds when the bundle is missing or older than a source, not otherwise', () => {
    const root = tempDir();
    const bundle = { name: 'x', workspace: 'x', dist: 'x/dist', inputs: ['x/src', 'x/absent.ts'] };
    mkdirSync(join(root, 'x/src/deep'), { recursive: true });
    writeFileSync(join(root, 'x/src/deep/a.ts'), '');
    expect(buildReason(root, bundle)).toBe('missing');
    mkdirSync(join(root, 'x/dist'));
    writeFileSync(join(root, 'x/dist/x.js'), '');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'x/src/deep/a.ts'), past, past);
    expect(buildReason(root, bundle)).toBeUndefined();
    utimesSync(join(root, 'x/src/deep/a.ts'), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    expect(buildReason(root, bundle)).toBe('stale');
  });
});
