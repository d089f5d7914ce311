import type { FastifyPluginAsync } from 'fastify';
import { liveRoutes } from '../live/live-routes.ts';
import { agentSocket } from './attach-agent-socket.ts';

export type { AgentPresenceTracker } from './agent-presence.ts';
export { type AgentSocketErrorCode, agentSocketErrors } from './agent-socket-errors.ts';
export { AGENT_NAMESPACE, type AgentSocketServer } from './attach-agent-socket.ts';

/**
 * Registration point of the staff's live features: the socket.io `/agent` namespace (live
 * visitors, agent availability; chats and co-browse build on `app.agentSocket`) and the live
 * board's REST routes. `buildDashboard` registers every plugin listed here after the REST API
 * and before the web app. A plugin authenticates a handshake with
 * `app.lookupSession.fromCookieHeader(socket.request.headers.cookie)` (the same session cookie
 * the REST API uses) and checks the user's role and `siteIds`.
 */
export const agentSocketPlugins: FastifyPluginAsync[] = [agentSocket, liveRoutes];
