import { productArt } from '../catalog/product-art.ts';
import { CURRENCY, categories, products } from '../catalog/products.ts';
import { escapeHtml } from './escape-html.ts';

/** Where the snippet comes from and which site it reports to. */
export interface SnippetInstall {
  /** Collector base URL, no trailing slash. */
  collectorUrl: string;
  siteId: string;
}

export interface LayoutOptions {
  title: string;
  body: string;
  install: SnippetInstall;
  /** Highlights a category in the navigation. */
  activeCategory?: string;
  /** `data-page` on <body>: tells the shop script which page behaviour to run. */
  page: 'home' | 'category' | 'product' | 'cart' | 'checkout' | 'thank-you' | 'not-found';
}

/**
 * The one-tag install exactly as the dashboard shows it to shop owners: a queue stub (so
 * `floorwalker('track', …)` works before the script loaded) and the async script tag.
 */
export function snippetTags({ collectorUrl, siteId }: SnippetInstall): string {
  return `<script>window.floorwalker=window.floorwalker||function(){(floorwalker.q=floorwalker.q||[]).push(arguments)}</script>
<script async src="${escapeHtml(collectorUrl)}/snippet.js" data-site="${escapeHtml(siteId)}"></script>`;
}

/** What the shop script needs to show and price the cart in the browser. */
const catalogJson = JSON.stringify({
  currency: CURRENCY,
  products: Object.fromEntries(
    products.map((p) => [p.slug, { name: p.name, sku: p.sku, price: p.price, art: productArt(p) }]),
  ),
}).replace(/</g, '\\u003c');

export function layout(options: LayoutOptions): string {
  const nav = categories
    .map(
      (c) =>
        `<a href="/category/${c.slug}"${c.slug === options.activeCategory ? ' aria-current="page"' : ''}>${escapeHtml(c.name)}</a>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · Fernhill &amp; Co.</title>
<link rel="stylesheet" href="/assets/shop.css">
${snippetTags(options.install)}
<script defer src="/assets/shop.js"></script>
</head>
<body data-page="${options.page}">
<header class="site-header">
  <div class="wrap header-row">
    <a class="logo" href="/"><span class="logo-mark">F</span> Fernhill &amp; Co.</a>
    <nav class="main-nav" aria-label="Categories">${nav}</nav>
    <a class="cart-link" href="/cart" aria-label="Cart">
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path d="M3 4h2l2.4 11.2a2 2 0 0 0 2 1.6h7.7a2 2 0 0 0 2-1.5L21 8H6.2" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/><circle cx="10" cy="20.5" r="1.4" fill="currentColor"/><circle cx="17" cy="20.5" r="1.4" fill="currentColor"/></svg>
      Cart <span class="cart-count" data-cart-count>0</span>
    </a>
  </div>
</header>
<div class="announcement">Free shipping on orders over €60 · 30-day returns</div>
<main class="wrap">
${options.body}
</main>
<footer class="site-footer">
  <div class="wrap footer-row">
    <p><strong>Fernhill &amp; Co.</strong> · A demo shop for Floorwalker. Nothing here is for sale.</p>
    <p>Live visitor monitoring by Floorwalker.</p>
  </div>
</footer>
<div class="toast" role="status" aria-live="polite" hidden></div>
<script type="application/json" id="catalog">${catalogJson}</script>
</body>
</html>`;
}
