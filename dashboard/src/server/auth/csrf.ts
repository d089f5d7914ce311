import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../errors.ts';
import { CSRF_COOKIE, CSRF_HEADER } from './cookies.ts';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF tokens are `<random>.<HMAC(secret, random)>`: a page on another (sub)domain that can plant
 * cookies still cannot mint a token the server accepts.
 */
export function createCsrfToken(secret: string): string {
  const nonce = randomBytes(24).toString('base64url');
  return `${nonce}.${createHmac('sha256', secret).update(`csrf:${nonce}`).digest('base64url')}`;
}

export function isValidCsrfToken(secret: string, token: string | undefined): boolean {
  if (!token || token.length > 200) return false;
  const [nonce, mac, extra] = token.split('.');
  if (!nonce || !mac || extra !== undefined) return false;
  const expected = createHmac('sha256', secret).update(`csrf:${nonce}`).digest();
  const given = Buffer.from(mac, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Origin state-changing requests must come from: DASHBOARD_PUBLIC_URL, else the addressed host. */
function expectedOrigin(request: FastifyRequest): string {
  const configured = request.server.config.DASHBOARD_PUBLIC_URL;
  return configured ? new URL(configured).origin : `${request.protocol}://${request.host}`;
}

const issuedTokens = new WeakMap<FastifyReply, string>();

/** Sets a fresh CSRF cookie on the reply and returns its token. */
export function issueCsrfCookie(reply: FastifyReply): string {
  const { config } = reply.server;
  const token = createCsrfToken(config.SESSION_SECRET);
  issuedTokens.set(reply, token);
  reply.setCookie(CSRF_COOKIE, token, {
    path: '/',
    httpOnly: false, // the app reads it to echo it in the header: that is the double submit
    secure: config.COOKIE_SECURE,
    sameSite: 'lax',
  });
  return token;
}

/** The CSRF token the client holds after this reply: the one issued with it, else the request's valid cookie. */
export function currentCsrfToken(request: FastifyRequest, reply: FastifyReply): string {
  const issued = issuedTokens.get(reply);
  if (issued) return issued;
  const cookie = request.cookies[CSRF_COOKIE];
  return isValidCsrfToken(request.server.config.SESSION_SECRET, cookie) && cookie
    ? cookie
    : issueCsrfCookie(reply);
}

/**
 * Double-submit CSRF protection for every POST/PUT/PATCH/DELETE: the `x-csrf-token` header must
 * equal the `fw_csrf` cookie and carry a valid HMAC, and a browser-sent Origin (or Sec-Fetch-Site)
 * must be the dashboard's own. Safe requests get a CSRF cookie when they have none.
 */
export const csrfProtection = fp(
  async (app) => {
    app.addHook('onRequest', async (request, reply) => {
      const cookie = request.cookies[CSRF_COOKIE];
      if (!UNSAFE_METHODS.has(request.method)) {
        if (!isValidCsrfToken(app.config.SESSION_SECRET, cookie)) issueCsrfCookie(reply);
        return;
      }
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== expectedOrigin(request)) {
        throw new HttpError('FW_CSRF', 'The request came from another origin.');
      }
      const fetchSite = request.headers['sec-fetch-site'];
      if (
        origin === undefined &&
        fetchSite !== undefined &&
        fetchSite !== 'same-origin' &&
        fetchSite !== 'none'
      ) {
        throw new HttpError('FW_CSRF', 'The request came from another site.');
      }
      const header = request.headers[CSRF_HEADER];
      if (
        typeof header !== 'string' ||
        !cookie ||
        !sameToken(header, cookie) ||
        !isValidCsrfToken(app.config.SESSION_SECRET, cookie)
      ) {
        throw new HttpError('FW_CSRF');
      }
    });
  },
  { name: 'fw-csrf', dependencies: ['@fastify/cookie'] },
);
