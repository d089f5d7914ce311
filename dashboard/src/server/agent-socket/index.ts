import type { FastifyPluginAsync } from 'fastify';

/**
 * Registration point of the socket.io `/agent` namespace (live visitors, chats, co-browse).
 * `buildDashboard` registers every plugin listed here after the REST API and before the web app.
 * A plugin authenticates a handshake with `app.lookupSession.fromCookieHeader(socket.request.headers.cookie)`
 * (the same session cookie the REST API uses) and checks the user's role and `siteIds`.
 * The list is empty until the agent console ships.
 */
export const agentSocketPlugins: FastifyPluginAsync[] = [];
