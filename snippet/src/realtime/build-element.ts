/**
 * `h('p', { class: 'msg' }, 'text', child)`: an element with attributes and children. Strings
 * become text nodes, never markup, so messages from the server cannot inject HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const name in attributes) element.setAttribute(name, attributes[name] as string);
  element.append(...children);
  return element;
}
