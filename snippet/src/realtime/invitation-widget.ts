import type { InvitationFeedback, InvitationMessage } from '@floorwalker/protocol';
import type { ChunkContext } from '../chunks/load-chunk.ts';
import { type ChatShell, chatShell } from './chat-shell.ts';
import { invitationBubble, invitationCard } from './invitation-card.ts';
import { choosePlacement, type Spot } from './placement.ts';
import { createWidgetRoot, type WidgetRoot } from './widget-root.ts';

/** Longest timer browsers keep (about 24.8 days); longer ones fire at once. */
const MAX_TIMER = 2 ** 31 - 1;
/** Quiet time after a scroll or resize before the panel's spot is checked again. */
const RELAYOUT_MS = 250;

export interface InvitationWidget {
  /** Shows an invitation (ignored when already seen, expired, or while a chat is open). */
  show(invitation: InvitationMessage): void;
  /** Removes an invitation answered elsewhere; no feedback is sent. */
  withdraw(invitationId: string): void;
  /** What the visitor wrote in the chat panel that no agent has received yet. */
  unsent(): string[];
  /** Removes everything from the page. */
  destroy(): void;
}

type View = 'card' | 'bubble' | 'expanded' | 'chat';

/**
 * The invitation and chat panel, in a shadow root created on first use.
 *
 * An invitation arrives as a card (or, when every spot would cover the page's controls, a bubble
 * that opens it), or directly as the chat panel when it asks to auto-open. `shown` is reported
 * once the tab is visible with it on screen; `accepted` and `dismissed` when the visitor answers.
 * It is removed without feedback when withdrawn (answered in another tab) or at `expiresAt`
 * (the engine records the expiry itself). Escape dismisses the invitation or closes the chat
 * while focus is inside the widget; focus then returns where it was.
 */
export function createInvitationWidget(
  guard: ChunkContext['guard'],
  feedback: (invitationId: string, outcome: InvitationFeedback['outcome']) => void,
): InvitationWidget {
  let ui: WidgetRoot | undefined;
  let panel: HTMLElement | undefined;
  let view: View | undefined;
  let placement: Spot | undefined;
  let invitation: InvitationMessage | undefined;
  let shown = false;
  let expiry: ReturnType<typeof setTimeout> | undefined;
  let chat: ChatShell | undefined;
  let returnFocus: HTMLElement | undefined;
  let relayoutTimer: ReturnType<typeof setTimeout> | undefined;
  /** Height of the card last laid out: what a bubble would need to grow back into a card. */
  let cardHeight = 200;
  const seen = new Set<string>();
  const stops: (() => void)[] = [];

  const on = (
    target: EventTarget,
    type: string,
    fn: (e: Event) => void,
    options?: AddEventListenerOptions,
  ) => {
    const wrapped = guard(fn);
    target.addEventListener(type, wrapped, options);
    stops.push(() => target.removeEventListener(type, wrapped, options));
  };

  const root = (): WidgetRoot => {
    if (ui) return ui;
    const created = createWidgetRoot();
    ui = created;
    on(created.root, 'keydown', (e) => {
      if ((e as KeyboardEvent).key !== 'Escape') return;
      e.stopPropagation();
      if (invitation) answer('dismissed');
      else if (chat) closeChat();
    });
    on(created.root, 'focusin', (e) => {
      const from = (e as FocusEvent).relatedTarget;
      if (from instanceof HTMLElement && from !== created.host && !created.root.contains(from))
        returnFocus = from;
    });
    const relayout = () => {
      clearTimeout(relayoutTimer);
      relayoutTimer = setTimeout(guard(layout), RELAYOUT_MS);
    };
    on(window, 'resize', relayout, { passive: true });
    on(window, 'scroll', relayout, { passive: true });
    on(document, 'visibilitychange', markShown);
    return created;
  };

  /** Puts `element` on screen as the one panel, in a spot that covers none of the page's controls. */
  const display = (element: HTMLElement, next: View) => {
    const { root: shadow } = root();
    const hadFocus = !!shadow.activeElement;
    panel?.remove();
    panel = element;
    view = next;
    shadow.append(element);
    place(hadFocus);
  };

  const place = (hadFocus = false) => {
    if (!panel || !ui || !view) return;
    const compactable = view === 'card' || view === 'bubble';
    if (view === 'card') cardHeight = panel.offsetHeight;
    const height = view === 'bubble' ? cardHeight : panel.offsetHeight;
    const chosen = choosePlacement(ui.host, height, compactable, placement);
    placement = chosen;
    const wanted: View | undefined = compactable ? (chosen.compact ? 'bubble' : 'card') : undefined;
    if (wanted && wanted !== view && invitation) {
      const current = invitation;
      display(
        wanted === 'bubble'
          ? invitationBubble(current, expand, guard)
          : invitationCard(
              current,
              { accept: () => answer('accepted'), dismiss: () => answer('dismissed') },
              guard,
            ),
        wanted,
      );
      return;
    }
    panel.className = panel.className.replace(/\b(br|tr|bl|bs|ts|re)\b/g, '').trim();
    panel.classList.add(chosen.place);
    panel.style.top = chosen.top === undefined ? '' : `${chosen.top + 12}px`;
    if (hadFocus) (panel.querySelector('button,textarea') as HTMLElement | null)?.focus();
  };

  const layout = () => place();

  /** The bubble was clicked: the full card, focused, even if it covers part of the page. */
  const expand = () => {
    if (!invitation) return;
    display(
      invitationCard(
        invitation,
        { accept: () => answer('accepted'), dismiss: () => answer('dismissed') },
        guard,
      ),
      'expanded',
    );
    (panel?.querySelector('.pri') as HTMLElement | null)?.focus();
  };

  function markShown() {
    if (!invitation || shown || document.visibilityState !== 'visible') return;
    shown = true;
    feedback(invitation.invitationId, 'shown');
  }

  const restoreFocus = (hadFocus: boolean) => {
    if (hadFocus && returnFocus?.isConnected) returnFocus.focus();
    returnFocus = undefined;
  };

  const clear = () => {
    const hadFocus = !!ui?.root.activeElement;
    clearTimeout(expiry);
    panel?.remove();
    panel = view = placement = undefined;
    invitation = undefined;
    ui?.announce('');
    restoreFocus(hadFocus);
  };

  function answer(outcome: 'accepted' | 'dismissed') {
    const current = invitation;
    if (!current) return;
    markShown();
    feedback(current.invitationId, outcome);
    clearTimeout(expiry);
    invitation = undefined;
    if (outcome === 'dismissed') {
      chat = undefined;
      return clear();
    }
    if (chat) {
      // Auto-opened chat panel: the visitor's first message accepted it; it stays as it is.
      chat.connecting();
      view = 'chat';
      return;
    }
    chat = chatShell(
      {
        persona: current.persona,
        greeting: current.message,
        state: 'connecting',
        onStart() {},
        onClose: closeChat,
      },
      guard,
    );
    display(chat.element, 'chat');
    chat.focusInput();
  }

  function closeChat() {
    chat = undefined;
    clear();
  }

  return {
    show(next) {
      if (!next || typeof next.invitationId !== 'string' || typeof next.message !== 'string') return;
      if (typeof next.persona?.name !== 'string' || seen.has(next.invitationId) || chat) return;
      const ttl = Number(next.expiresAt) - Date.now();
      if (!(ttl > 0)) return;
      seen.add(next.invitationId);
      if (invitation) clear();
      invitation = next;
      shown = false;
      if (next.autoOpen) {
        chat = chatShell(
          {
            persona: next.persona,
            greeting: next.message,
            state: 'invited',
            onStart: () => answer('accepted'),
            onClose: () => (invitation ? answer('dismissed') : closeChat()),
          },
          guard,
        );
        display(chat.element, 'chat');
      } else {
        display(
          invitationCard(
            next,
            { accept: () => answer('accepted'), dismiss: () => answer('dismissed') },
            guard,
          ),
          'card',
        );
      }
      root().announce(`${next.persona.name}: ${next.message}`);
      expiry = setTimeout(
        guard(() => {
          if (invitation?.invitationId !== next.invitationId) return;
          if (chat && view === 'chat') chat = undefined;
          clear();
        }),
        Math.min(ttl, MAX_TIMER),
      );
      markShown();
    },
    withdraw(invitationId) {
      if (invitation?.invitationId !== invitationId) return;
      seen.add(invitationId);
      chat = undefined;
      clear();
    },
    unsent: () => chat?.unsent() ?? [],
    destroy() {
      clearTimeout(expiry);
      clearTimeout(relayoutTimer);
      for (const stop of stops.splice(0)) stop();
      ui?.remove();
      ui = panel = view = placement = invitation = chat = undefined;
    },
  };
}
