import type { InvitationMessage } from '@floorwalker/protocol';
import type { ChunkContext } from '../chunks/load-chunk.ts';
import { h } from './build-element.ts';
import { personaAvatar } from './persona-avatar.ts';

export interface InvitationCardActions {
  accept(): void;
  dismiss(): void;
}

/**
 * The invitation as a non-modal dialog: who invites, their message, "Chat with <name>" and
 * "No thanks". It does not take focus when it appears (an unprompted popup must not pull the
 * visitor out of what they are doing); a live region announces it instead.
 */
export function invitationCard(
  invitation: InvitationMessage,
  actions: InvitationCardActions,
  guard: ChunkContext['guard'],
): HTMLElement {
  const name = invitation.persona.name;
  const accept = h('button', { class: 'pri', type: 'button' }, `Chat with ${name}`);
  const decline = h('button', { class: 'sec', type: 'button' }, 'No thanks');
  const close = h('button', { class: 'x', type: 'button', 'aria-label': 'Dismiss invitation' }, '×');
  accept.onclick = guard(actions.accept);
  decline.onclick = close.onclick = guard(actions.dismiss);
  return h(
    'div',
    {
      class: 'p card',
      role: 'dialog',
      'aria-label': `Chat invitation from ${name}`,
      'aria-describedby': 'fw-msg',
    },
    h(
      'div',
      { class: 'hd' },
      personaAvatar(invitation.persona),
      h('div', {}, h('p', { class: 'nm' }, name)),
      close,
    ),
    h('p', { class: 'msg', id: 'fw-msg' }, invitation.message),
    h('div', { class: 'act' }, accept, decline),
  );
}

/** The collapsed invitation: a round button in a free corner that opens the card. */
export function invitationBubble(
  invitation: InvitationMessage,
  open: () => void,
  guard: ChunkContext['guard'],
): HTMLElement {
  const bubble = h(
    'button',
    {
      class: 'p bub',
      type: 'button',
      'aria-label': `Message from ${invitation.persona.name}: ${invitation.message.slice(0, 140)}. Open`,
      'aria-haspopup': 'dialog',
    },
    personaAvatar(invitation.persona),
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
  );
  bubble.onclick = guard(open);
  return bubble;
}
