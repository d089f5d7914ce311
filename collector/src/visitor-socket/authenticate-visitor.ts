import type { Site } from '@floorwalker/store';
import type { Socket } from 'socket.io';
import { normalizeOrigin } from '../ingest/check-origin.ts';
import { handshakeAuth } from './client-payloads.ts';
import { VisitorSocketError } from './socket-errors.ts';
import type { VisitorSocketData } from './visitor-socket-types.ts';

/** Where the namespace looks sites up: the collector's site cache, or the Redis registry. */
export interface SiteLookup {
  get(siteId: string): Promise<Site | undefined>;
}

/**
 * The page's origin: `Origin` (every WebSocket handshake and cross-origin request carries it),
 * else the origin of `Referer` (a same-origin polling GET, when the collector is proxied under
 * the shop's own domain, sends no `Origin`).
 */
function originOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const origin = headers.origin;
  if (typeof origin === 'string' && origin !== 'null') return normalizeOrigin(origin);
  const referer = headers.referer;
  return typeof referer === 'string' ? normalizeOrigin(referer) : undefined;
}

/**
 * Checks a connecting socket's handshake: the `auth` ids (zod), the site, and the page's
 * origin against the site's allowed origins (an empty list allows any). Throws a
 * {@link VisitorSocketError} the client receives as `connect_error.data`; on success returns the
 * socket's data.
 */
export async function authenticateVisitor(
  socket: Pick<Socket, 'handshake'>,
  sites: SiteLookup,
): Promise<VisitorSocketData> {
  const auth = handshakeAuth.safeParse(socket.handshake.auth);
  if (!auth.success) {
    const paths = auth.error.issues.map((i) => i.path.join('.') || '(root)');
    throw new VisitorSocketError(
      'FW_SOCKET_BAD_HANDSHAKE',
      `The handshake is invalid: ${[...new Set(paths)].join(', ')}.`,
    );
  }
  let site: Site | undefined;
  try {
    site = await sites.get(auth.data.site);
  } catch {
    throw new VisitorSocketError('FW_SOCKET_UNAVAILABLE');
  }
  if (!site) throw new VisitorSocketError('FW_SOCKET_UNKNOWN_SITE');
  if (site.allowedOrigins.length > 0) {
    const origin = originOf(socket.handshake.headers);
    if (!origin || !site.allowedOrigins.some((allowed) => normalizeOrigin(allowed) === origin)) {
      throw new VisitorSocketError('FW_SOCKET_ORIGIN_FORBIDDEN');
    }
  }
  return {
    siteId: site.siteId,
    visitorId: auth.data.visitorId,
    sessionId: auth.data.sessionId,
    pageViewId: auth.data.pageViewId,
    active: auth.data.active ?? true,
  };
}
