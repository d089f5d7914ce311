import type { Persona } from '@floorwalker/protocol';
import type { ChunkContext } from '../chunks/load-chunk.ts';
import { h } from './build-element.ts';
import { personaAvatar } from './persona-avatar.ts';

/** Longest message the box accepts. */
const MAX_MESSAGE = 2000;

export interface ChatShellOptions {
  persona: Persona;
  /** The invitation's message, shown as the first bubble from the persona. */
  greeting?: string;
  /**
   * `invited`: opened by the invitation itself (auto-open), nothing requested yet; the first
   * message sent accepts it. `connecting`: the visitor accepted, an agent is being connected.
   */
  state: 'invited' | 'connecting';
  /** The visitor sent their first message from the `invited` state. */
  onStart(): void;
  onClose(): void;
}

export interface ChatShell {
  element: HTMLElement;
  /** Switches to "Connecting you to …". */
  connecting(): void;
  focusInput(): void;
  /** What the visitor wrote that no agent has received yet (the chat connection takes them over). */
  unsent(): string[];
}

/**
 * The chat widget's panel as far as this release goes: the persona, the invitation, a message
 * box, and an honest status. Live chat arrives with the chat feature; until an agent joins, what
 * the visitor writes stays in the panel marked as not sent, and the status never claims more
 * than "Connecting you to <name>…".
 */
export function chatShell(options: ChatShellOptions, guard: ChunkContext['guard']): ChatShell {
  const name = options.persona.name;
  const status = h('p', { class: 'st', role: 'status' });
  const log = h('div', { class: 'log', role: 'log', 'aria-label': `Conversation with ${name}` });
  const input = h('textarea', {
    id: 'fw-input',
    rows: '1',
    maxlength: String(MAX_MESSAGE),
    placeholder: 'Write a message…',
  });
  const send = h('button', { class: 'pri', type: 'button' }, 'Send');
  const close = h('button', { class: 'x', type: 'button', 'aria-label': 'Close chat' }, '×');
  const unsent: string[] = [];
  let state = options.state;

  const setStatus = () => {
    status.textContent = '';
    if (state === 'invited') status.append(`${name} is here to help`);
    else status.append(h('span', { class: 'sp', 'aria-hidden': 'true' }), `Connecting you to ${name}…`);
  };
  const submit = () => {
    const text = input.value.trim().slice(0, MAX_MESSAGE);
    if (!text) return input.focus();
    input.value = '';
    unsent.push(text);
    log.append(
      h(
        'p',
        { class: 'b me' },
        text,
        h('span', { class: 'note' }, `Not sent yet: waiting for ${name} to join`),
      ),
    );
    log.scrollTop = log.scrollHeight;
    if (state === 'invited') {
      state = 'connecting';
      setStatus();
      options.onStart();
    }
    input.focus();
  };
  send.onclick = guard(submit);
  input.onkeydown = guard((e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  close.onclick = guard(options.onClose);
  if (options.greeting) log.append(h('p', { class: 'b them' }, options.greeting));
  setStatus();

  const element = h(
    'div',
    { class: 'p chat', role: 'dialog', 'aria-label': `Chat with ${name}` },
    h(
      'div',
      { class: 'hd' },
      personaAvatar(options.persona),
      h('div', {}, h('p', { class: 'nm' }, name), status),
      close,
    ),
    log,
    h(
      'div',
      { class: 'in' },
      h('label', { class: 'sr', for: 'fw-input' }, `Message to ${name}`),
      input,
      send,
    ),
  );
  return {
    element,
    connecting() {
      state = 'connecting';
      setStatus();
    },
    focusInput: () => input.focus(),
    unsent: () => unsent.slice(),
  };
}
