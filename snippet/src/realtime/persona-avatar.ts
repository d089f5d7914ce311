import type { Persona } from '@floorwalker/protocol';
import { h } from './build-element.ts';

/**
 * The sender's picture, or their initial when there is none (or it fails to load). Only
 * http(s) pictures are loaded, without a referrer; the name beside it labels it, so it is hidden
 * from screen readers.
 */
export function personaAvatar(persona: Persona): HTMLElement {
  const initial = h(
    'span',
    { class: 'av', 'aria-hidden': 'true' },
    (persona.name.trim()[0] ?? '?').toUpperCase(),
  );
  const url = persona.avatarUrl;
  if (url && /^https?:\/\//i.test(url)) {
    const img = h('img', { alt: '', src: url, referrerpolicy: 'no-referrer', decoding: 'async' });
    img.onerror = () => {
      img.remove();
      initial.textContent = (persona.name.trim()[0] ?? '?').toUpperCase();
    };
    initial.textContent = '';
    initial.append(img);
  }
  return initial;
}
