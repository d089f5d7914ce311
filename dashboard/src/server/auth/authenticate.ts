import type { UserRole } from '@floorwalker/store';
import type { FastifyRequest } from 'fastify';
import type { Authenticated } from '../context.ts';
import { HttpError } from '../errors.ts';
import { SESSION_COOKIE } from './cookies.ts';

/** onRequest hook: loads the session's user into `request.auth` or answers 401 FW_AUTH_REQUIRED. */
export async function authenticate(request: FastifyRequest): Promise<void> {
  const auth = await request.server.lookupSession.fromSignedCookie(request.cookies[SESSION_COOKIE]);
  if (!auth) throw new HttpError('FW_AUTH_REQUIRED');
  request.auth = auth;
}

/** onRequest hook for a route (after {@link authenticate}): only these roles pass, others get 403 FW_FORBIDDEN. */
export function requireRole(...roles: UserRole[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const { user } = authOf(request);
    if (!roles.includes(user.role)) throw new HttpError('FW_FORBIDDEN');
  };
}

/** The authenticated user and session of a request behind {@link authenticate}. */
export function authOf(request: FastifyRequest): Authenticated {
  if (!request.auth) throw new HttpError('FW_AUTH_REQUIRED');
  return request.auth;
}
