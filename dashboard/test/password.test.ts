import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../src/server/auth/password.ts';

const fast = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores scrypt with its parameters, a 16-byte salt and a 32-byte key', async () => {
    const hash = await hashPassword('correct horse battery staple');
    const [scheme, N, r, p, salt, key] = hash.split('$');
    expect(scheme).toBe('scrypt');
    expect([N, r, p]).toEqual(['32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(32);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('s3cret-passw0rd', fast);
    expect(await verifyPassword('s3cret-passw0rd', hash)).toBe(true);
    expect(await verifyPassword('s3cret-passw0rd ', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same', fast), hashPassword('same', fast)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('reads the cost parameters from the hash, so older hashes keep working', async () => {
    const old = await hashPassword('legacy-password', { N: 2048, r: 4, p: 1 });
    expect(old.startsWith('scrypt$2048$4$1$')).toBe(true);
    expect(await verifyPassword('legacy-password', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword('x'))).toBe(false);
  });

  it('treats malformed or hostile hashes as a mismatch instead of throwing', async () => {
    const good = await hashPassword('pw', fast);
    const parts = good.split('$');
    for (const bad of [
      '',
      'plain-text',
      'bcrypt$10$abc',
      ['scrypt', '1000', ...parts.slice(2)].join('$'), // N not a power of two
      ['scrypt', String(2 ** 24), ...parts.slice(2)].join('$'), // would need gigabytes
      [...parts.slice(0, 4), '', parts[5]].join('$'),
    ]) {
      expect(await verifyPassword('pw', bad)).toBe(false);
    }
  });

  it('normalizes Unicode so the same password typed differently still matches', async () => {
    const hash = await hashPassword('caf\u00e9-password', fast);
    expect(await verifyPassword('cafe\u0301-password', hash)).toBe(true);
  });
});
