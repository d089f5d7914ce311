import { describe, expect, it } from 'vitest';
import { createCsrfToken, isValidCsrfToken } from '../src/server/auth/csrf.ts';

const secret = 'a'.repeat(40);

describe('CSRF tokens', () => {
  it('accepts tokens minted with the secret and nothing else', () => {
    const token = createCsrfToken(secret);
    expect(isValidCsrfToken(secret, token)).toBe(true);
    expect(isValidCsrfToken('b'.repeat(40), token)).toBe(false);
    const [nonce] = token.split('.');
    expect(isValidCsrfToken(secret, `${nonce}.AAAA`)).toBe(false);
    expect(isValidCsrfToken(secret, `${nonce}x.${token.split('.')[1]}`)).toBe(false);
    expect(isValidCsrfToken(secret, undefined)).toBe(false);
    expect(isValidCsrfToken(secret, `${token}.extra`)).toBe(false);
  });
});
