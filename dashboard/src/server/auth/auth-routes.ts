import { randomBytes } from 'node:crypto';
import type { User } from '@floorwalker/store';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { HttpError, parseInput } from '../errors.ts';
import { type SiteView, siteView, visibleSites } from '../sites/site-view.ts';
import { type UserView, userView } from '../users/user-view.ts';
import { authenticate, authOf } from './authenticate.ts';
import { SESSION_COOKIE } from './cookies.ts';
import { currentCsrfToken, issueCsrfCookie } from './csrf.ts';
import { loginRateLimit } from './login-rate-limit.ts';
import { hashPassword, needsRehash, verifyPassword } from './password.ts';

const loginInput = z.strictObject({
  email: z.string().trim().toLowerCase().min(1).max(320),
  password: z.string().min(1).max(1024),
});

const passwordChangeInput = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(10, 'at least 10 characters').max(256),
});

/** Body of `GET /api/me` and of a successful login. */
export interface MeResponse {
  user: UserView;
  sites: SiteView[];
}

async function me(app: FastifyInstance, user: User): Promise<MeResponse> {
  const sites = await visibleSites(app.sites, user);
  return { user: userView(user), sites: sites.map((s) => siteView(s, app.config.COLLECTOR_PUBLIC_URL)) };
}

function setSessionCookie(reply: FastifyReply, sessionId: string): void {
  const { config } = reply.server;
  reply.setCookie(SESSION_COOKIE, sessionId, {
    path: '/',
    signed: true,
    httpOnly: true,
    secure: config.COOKIE_SECURE,
    sameSite: 'lax',
    maxAge: config.SESSION_TTL_SECONDS,
  });
}

/**
 * `GET /api/auth/csrf`, `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/me`,
 * `POST /api/me/password`.
 */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  const limiter = loginRateLimit(app.redis, app.keys, { perIpAndEmail: app.config.LOGIN_RATE_LIMIT });
  // Unknown addresses are checked against this hash so they take as long as a wrong password.
  const decoyHash = await hashPassword(randomBytes(16).toString('hex'));

  app.get('/api/auth/csrf', async (request, reply) => ({ token: currentCsrfToken(request, reply) }));

  app.post('/api/auth/login', async (request, reply) => {
    const { email, password } = parseInput(loginInput, request.body);
    const ip = request.ip;
    if (await limiter.isBlocked(ip, email)) {
      app.metrics.logins.inc({ outcome: 'rate_limited' });
      throw new HttpError('FW_AUTH_RATE_LIMITED');
    }
    const user = await app.users.getByEmail(email);
    const ok = await verifyPassword(password, user?.passwordHash ?? decoyHash);
    if (!user || !ok) {
      await limiter.recordFailure(ip, email);
      app.metrics.logins.inc({ outcome: 'invalid' });
      throw new HttpError('FW_AUTH_INVALID');
    }
    await limiter.reset(ip, email);
    let current = user;
    if (needsRehash(user.passwordHash)) {
      current = await app.users.save({ ...user, passwordHash: await hashPassword(password) }, user.userId);
    }
    // A fresh session id at every login: no session fixation.
    const session = await app.sessions.create(current.userId);
    setSessionCookie(reply, session.sessionId);
    issueCsrfCookie(reply);
    app.metrics.logins.inc({ outcome: 'ok' });
    request.log.info({ userId: current.userId }, 'login');
    return me(app, current);
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const auth = await app.lookupSession.fromSignedCookie(request.cookies[SESSION_COOKIE]);
    if (auth) await app.sessions.destroy(auth.session.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    issueCsrfCookie(reply);
    return reply.code(204).send();
  });

  await app.register(async (authed) => {
    authed.addHook('onRequest', authenticate);

    authed.get('/api/me', async (request) => me(app, authOf(request).user));

    authed.post('/api/me/password', async (request, reply) => {
      const { user, session } = authOf(request);
      const body = parseInput(passwordChangeInput, request.body);
      if (!(await verifyPassword(body.currentPassword, user.passwordHash))) {
        throw new HttpError('FW_BAD_REQUEST', 'The current password is wrong.', [
          { path: ['currentPassword'], message: 'wrong password' },
        ]);
      }
      await app.users.save({ ...user, passwordHash: await hashPassword(body.newPassword) }, user.userId);
      await app.sessions.destroyAllOf(user.userId, session.sessionId);
      return reply.code(204).send();
    });
  });
}
