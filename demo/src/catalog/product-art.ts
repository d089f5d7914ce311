import type { ArtKind, Product } from './products.ts';

/** Simple flat illustrations, one per kind, in the product's colours (no image files needed). */
const shapes: Record<ArtKind, (main: string, accent: string) => string> = {
  mug: (m, a) =>
    `<rect x="62" y="70" width="66" height="74" rx="10" fill="${m}"/><path d="M128 88h12a16 16 0 0 1 0 32h-12" fill="none" stroke="${m}" stroke-width="9"/><path d="M78 52c0-8 8-8 8-16M96 52c0-8 8-8 8-16M114 52c0-8 8-8 8-16" stroke="${a}" stroke-width="4" fill="none" stroke-linecap="round"/>`,
  press: (m, a) =>
    `<rect x="68" y="60" width="62" height="90" rx="6" fill="${a}" opacity=".55"/><rect x="64" y="52" width="70" height="10" rx="3" fill="${m}"/><rect x="96" y="30" width="6" height="40" fill="${m}"/><circle cx="99" cy="28" r="7" fill="${m}"/><rect x="68" y="112" width="62" height="38" rx="4" fill="${m}" opacity=".8"/><path d="M130 80h14v40h-14" fill="none" stroke="${m}" stroke-width="6"/>`,
  knife: (m, a) =>
    `<path d="M40 118 150 62c6 10 2 22-10 28L56 128z" fill="${a}"/><rect x="24" y="116" width="48" height="16" rx="6" transform="rotate(-27 48 124)" fill="${m}"/>`,
  shirt: (m, a) =>
    `<path d="M70 44 50 58 36 86l20 10 10-18v76h68V78l10 18 20-10-14-28-20-14c-4 12-16 18-30 18s-26-6-30-18z" fill="${m}"/><path d="M100 62v84" stroke="${a}" stroke-width="3"/><circle cx="100" cy="80" r="3" fill="${a}"/><circle cx="100" cy="100" r="3" fill="${a}"/><circle cx="100" cy="120" r="3" fill="${a}"/>`,
  beanie: (m, a) =>
    `<path d="M52 128c0-40 20-70 48-70s48 30 48 70z" fill="${m}"/><rect x="46" y="118" width="108" height="28" rx="8" fill="${a}"/><circle cx="100" cy="50" r="14" fill="${a}"/>`,
  sneaker: (m, a) =>
    `<path d="M36 128V96c20 0 34-12 44-28l18 6c10 18 34 30 66 34 6 2 8 10 8 20z" fill="${a}"/><path d="M36 120h136v14c0 6-4 10-10 10H44c-6 0-8-4-8-10z" fill="${m}"/><path d="M86 78l10 20M98 74l10 22M110 78l8 18" stroke="${m}" stroke-width="4"/>`,
  backpack: (m, a) =>
    `<rect x="58" y="50" width="84" height="104" rx="22" fill="${m}"/><path d="M80 50v-8a20 20 0 0 1 40 0v8" fill="none" stroke="${m}" stroke-width="8"/><rect x="72" y="104" width="56" height="36" rx="8" fill="${a}"/><rect x="92" y="98" width="16" height="12" rx="3" fill="${m}"/>`,
  bottle: (m, a) =>
    `<rect x="78" y="56" width="44" height="100" rx="16" fill="${m}"/><rect x="86" y="34" width="28" height="24" rx="6" fill="${a}"/><rect x="78" y="92" width="44" height="20" fill="${a}" opacity=".85"/>`,
  lantern: (m, a) =>
    `<path d="M84 40a16 16 0 0 1 32 0" fill="none" stroke="${m}" stroke-width="6"/><rect x="70" y="44" width="60" height="14" rx="4" fill="${m}"/><rect x="76" y="58" width="48" height="74" rx="8" fill="${a}" opacity=".9"/><circle cx="100" cy="95" r="14" fill="#fff8dc"/><rect x="66" y="132" width="68" height="16" rx="5" fill="${m}"/>`,
};

/** The product's illustration as an inline SVG. */
export function productArt(product: Product, label = product.name): string {
  const [bg, main, accent] = product.colors;
  return `<svg class="art" viewBox="0 0 200 180" role="img" aria-label="${label.replace(/"/g, '&quot;')}"><rect width="200" height="180" fill="${bg}"/><ellipse cx="100" cy="160" rx="62" ry="8" fill="#000" opacity=".06"/>${shapes[product.art](main, accent)}</svg>`;
}
