import type { ChunkContext } from '../chunks/load-chunk.ts';
import { watchExitIntent } from './exit-intent.ts';
import { createInvitationWidget } from './invitation-widget.ts';
import type { RealtimeHandle } from './realtime-handle.ts';
import { connectVisitor } from './visitor-connection.ts';

const visible = () => document.visibilityState === 'visible';

/**
 * The realtime part of the snippet: connects the visitor socket, keeps the collector told about
 * the tab (page view, visibility, exit intent) and shows the invitations it receives.
 *
 * Presence goes out only while connected (the next handshake carries the current state anyway);
 * invitation feedback is queued by socket.io while disconnected and sent on reconnection. A page
 * put into the back/forward cache disconnects (so the cache can keep it) and reconnects when
 * shown again.
 */
export function startRealtime(ctx: ChunkContext): RealtimeHandle {
  const { guard } = ctx;
  const connection = connectVisitor(ctx, () => ({ site: ctx.site, ...ctx.ids(), active: visible() }));
  const { socket } = connection;
  const widget = createInvitationWidget(guard, (invitationId, outcome) => {
    ctx.log('invitation', outcome, invitationId);
    socket.emit('invitation:feedback', { invitationId, outcome });
  });
  const stops: (() => void)[] = [];
  const on = (target: EventTarget, type: string, fn: (e: Event) => void) => {
    const wrapped = guard(fn);
    target.addEventListener(type, wrapped);
    stops.push(() => target.removeEventListener(type, wrapped));
  };

  socket.on(
    'invitation',
    guard((invitation) => {
      ctx.log('invitation received', invitation?.invitationId);
      widget.show(invitation);
    }),
  );
  socket.on(
    'invitation:withdrawn',
    guard((payload) => widget.withdraw(String(payload?.invitationId))),
  );

  const presence = () => {
    if (socket.connected) socket.emit('presence', { pageViewId: ctx.ids().pageViewId, active: visible() });
  };
  let exitReported = '';
  stops.push(
    ctx.onPageView(guard(presence)),
    watchExitIntent(() => {
      const { pageViewId } = ctx.ids();
      // Once per page view; dropped while disconnected (it only matters now).
      if (exitReported === pageViewId || !socket.connected) return;
      exitReported = pageViewId;
      socket.emit('exit-intent', { pageViewId });
    }, guard),
  );
  on(document, 'visibilitychange', presence);
  on(window, 'pagehide', (e) => (e as PageTransitionEvent).persisted && connection.pause());
  on(window, 'pageshow', (e) => (e as PageTransitionEvent).persisted && connection.resume());

  return {
    stop() {
      for (const stop of stops.splice(0)) stop();
      connection.pause();
      widget.destroy();
    },
  };
}
