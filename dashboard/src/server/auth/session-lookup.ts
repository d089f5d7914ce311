import { fastifyCookie, type UnsignResult } from '@fastify/cookie';
import type { UsersRepository } from '@floorwalker/store';
import type { Authenticated } from '../context.ts';
import { SESSION_COOKIE } from './cookies.ts';
import type { SessionStore } from './session-store.ts';

/** Finds the logged-in user from a request's cookies. */
export interface SessionLookup {
  /** From a raw `Cookie` header (socket.io handshakes). */
  fromCookieHeader(header: string | undefined): Promise<Authenticated | undefined>;
  /** From the signed value of the session cookie. */
  fromSignedCookie(value: string | undefined): Promise<Authenticated | undefined>;
}

/**
 * Builds the cookie → user lookup. A session whose user was deleted is ended on the spot.
 * `unsign` defaults to @fastify/cookie's signer with `secret`.
 */
export function createSessionLookup(deps: {
  sessions: SessionStore;
  users: UsersRepository;
  secret: string;
  unsign?: (value: string) => UnsignResult;
}): SessionLookup {
  const unsign = deps.unsign ?? ((value: string) => fastifyCookie.unsign(value, deps.secret));
  const fromSignedCookie = async (value: string | undefined): Promise<Authenticated | undefined> => {
    if (!value) return undefined;
    const unsigned = unsign(value);
    if (!unsigned.valid || !unsigned.value) return undefined;
    const session = await deps.sessions.touch(unsigned.value);
    if (!session) return undefined;
    const user = await deps.users.get(session.userId);
    if (!user) {
      await deps.sessions.destroy(session.sessionId);
      return undefined;
    }
    return { user, session };
  };
  return {
    fromSignedCookie,
    fromCookieHeader: (header) =>
      header ? fromSignedCookie(fastifyCookie.parse(header)[SESSION_COOKIE]) : Promise.resolve(undefined),
  };
}
