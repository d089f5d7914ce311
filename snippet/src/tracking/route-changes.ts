import { guard } from '../core/guard.ts';

/**
 * The part of a URL that makes a page: path and query, plus the hash only when it looks like a
 * hash router's route (`#/cart`, `#!/cart`). Jumps to an in-page anchor (`#reviews`) are not
 * page views.
 */
export function routeOf(href: string): string {
  const i = href.indexOf('#');
  if (i < 0) return href;
  const hash = href.slice(i);
  return /^#!?\//.test(hash) ? href : href.slice(0, i);
}

/**
 * Calls `onChange` after every history navigation of a single-page app: `pushState`,
 * `replaceState` (patched; the page's own call runs first and its errors stay its own),
 * `popstate` and `hashchange`. Returns a function that undoes it.
 */
export function watchRoutes(onChange: () => void): () => void {
  const h = history;
  const changed = guard(onChange);
  const originals = (['pushState', 'replaceState'] as const).map((name) => {
    const original = h[name];
    const patched = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      changed();
      return result;
    };
    h[name] = patched;
    return () => {
      // Another script may have wrapped ours since: then leave its wrapper alone.
      if (h[name] === patched) h[name] = original;
    };
  });
  addEventListener('popstate', changed);
  addEventListener('hashchange', changed);
  return () => {
    for (const undo of originals) undo();
    removeEventListener('popstate', changed);
    removeEventListener('hashchange', changed);
  };
}
