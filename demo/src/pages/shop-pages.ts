import { productArt } from '../catalog/product-art.ts';
import {
  type Category,
  categories,
  FREE_SHIPPING_FROM,
  formatPrice,
  type Product,
  products,
} from '../catalog/products.ts';
import type { Order } from '../orders/order-store.ts';
import { escapeHtml } from './escape-html.ts';
import { layout, type SnippetInstall } from './layout.ts';
import { productCard } from './product-card.ts';

/** Price filters of a category page (`?price=`), applied in the browser via pushState. */
export const priceFilters = [
  { slug: 'all', label: 'All', test: () => true },
  { slug: 'under-40', label: 'Under €40', test: (p: Product) => p.price < 40 },
  { slug: '40-80', label: '€40 – €80', test: (p: Product) => p.price >= 40 && p.price <= 80 },
  { slug: 'over-80', label: 'Over €80', test: (p: Product) => p.price > 80 },
] as const;

export function homePage(install: SnippetInstall): string {
  const featured = [products[0], products[3], products[6], products[7]].filter((p): p is Product => !!p);
  const tiles = categories
    .map((c) => {
      const lead = products.find((p) => p.category === c.slug)!;
      return `<a class="category-tile" href="/category/${c.slug}">${productArt(lead, c.name)}<span><strong>${escapeHtml(c.name)}</strong>${escapeHtml(c.tagline)}</span></a>`;
    })
    .join('');
  return layout({
    title: 'Good things, made to last',
    page: 'home',
    install,
    body: `<section class="hero">
  <div><p class="eyebrow">Autumn collection</p>
  <h1>Good things, made to last.</h1>
  <p class="lead">Kitchen tools, clothing and outdoor gear from small workshops across Europe.</p>
  <a class="btn" href="/category/kitchen">Shop the kitchen</a> <a class="btn btn-ghost" href="/category/outdoor">Outdoor gear</a></div>
  ${productArt(products[6]!, 'Trail Backpack')}
</section>
<h2 class="section-title">Shop by category</h2>
<div class="category-tiles">${tiles}</div>
<h2 class="section-title">Customer favourites</h2>
<div class="grid">${featured.map(productCard).join('')}</div>`,
  });
}

export function categoryPage(install: SnippetInstall, category: Category, filter: string): string {
  const active = priceFilters.find((f) => f.slug === filter) ?? priceFilters[0];
  const items = products.filter((p) => p.category === category.slug);
  const chips = priceFilters
    .map(
      (f) =>
        `<a class="chip" href="?price=${f.slug}" data-filter="${f.slug}"${f === active ? ' aria-pressed="true"' : ''}>${f.label}</a>`,
    )
    .join('');
  const cards = items
    .map((p) =>
      productCard(p).replace(
        '<article class="card"',
        `<article class="card"${active.test(p) ? '' : ' hidden'}`,
      ),
    )
    .join('');
  return layout({
    title: category.name,
    page: 'category',
    activeCategory: category.slug,
    install,
    body: `<nav class="crumbs"><a href="/">Home</a> / ${escapeHtml(category.name)}</nav>
<header class="page-head"><h1>${escapeHtml(category.name)}</h1><p class="lead">${escapeHtml(category.tagline)}</p></header>
<div class="filters" role="group" aria-label="Filter by price">${chips}</div>
<p class="result-count" data-result-count>${items.filter(active.test).length} products</p>
<div class="grid">${cards}</div>
<p class="empty-filter" data-empty-filter${items.some(active.test) ? ' hidden' : ''}>Nothing in this price range. <a href="?price=all" data-filter="all">Show everything</a></p>`,
  });
}

export function productPage(install: SnippetInstall, product: Product, category: Category): string {
  const related = products.filter((p) => p.category === product.category && p.slug !== product.slug);
  return layout({
    title: product.name,
    page: 'product',
    activeCategory: category.slug,
    install,
    body: `<nav class="crumbs"><a href="/">Home</a> / <a href="/category/${category.slug}">${escapeHtml(category.name)}</a> / ${escapeHtml(product.name)}</nav>
<section class="product">
  <div class="product-art">${productArt(product)}</div>
  <div class="product-info">
    <h1>${escapeHtml(product.name)}</h1>
    <p class="price price-large">${formatPrice(product.price)}</p>
    <p class="lead">${escapeHtml(product.blurb)}</p>
    <ul class="details">${product.details.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>
    <div class="buy-row">
      <label>Quantity <input type="number" min="1" max="20" value="1" data-qty></label>
      <button class="btn" type="button" data-add="${product.slug}">Add to cart</button>
    </div>
    <p class="note">SKU ${escapeHtml(product.sku)} · Ships in 1–2 working days · Free shipping over ${formatPrice(FREE_SHIPPING_FROM)}</p>
  </div>
</section>
<h2 class="section-title">More from ${escapeHtml(category.name)}</h2>
<div class="grid">${related.map(productCard).join('')}</div>`,
  });
}

export function cartPage(install: SnippetInstall): string {
  return layout({
    title: 'Your cart',
    page: 'cart',
    install,
    body: `<header class="page-head"><h1>Your cart</h1></header>
<div class="cart" data-cart-root><p class="muted">Loading your cart…</p></div>`,
  });
}

export function checkoutPage(install: SnippetInstall): string {
  const field = (name: string, label: string, type = 'text', extra = '') =>
    `<label>${label}<input name="${name}" type="${type}" required ${extra}></label>`;
  return layout({
    title: 'Checkout',
    page: 'checkout',
    install,
    body: `<header class="page-head"><h1>Checkout</h1></header>
<div class="checkout">
  <form class="checkout-form" data-checkout-form novalidate>
    <fieldset><legend>Contact</legend>
      ${field('email', 'E-mail', 'email', 'autocomplete="email"')}
      ${field('name', 'Full name', 'text', 'autocomplete="name"')}
    </fieldset>
    <fieldset><legend>Delivery address</legend>
      ${field('address', 'Street and number', 'text', 'autocomplete="street-address"')}
      <div class="two">${field('zip', 'Postcode', 'text', 'autocomplete="postal-code"')}${field('city', 'City', 'text', 'autocomplete="address-level2"')}</div>
      <label>Country<select name="country" required>
        <option value="DE">Germany</option><option value="FR">France</option><option value="IE">Ireland</option>
        <option value="NL">Netherlands</option><option value="AT">Austria</option><option value="ES">Spain</option>
      </select></label>
    </fieldset>
    <fieldset><legend>Payment</legend>
      <label class="radio"><input type="radio" name="payment" value="invoice" checked> Invoice (pay within 14 days)</label>
      <label class="radio"><input type="radio" name="payment" value="card"> Card on delivery</label>
    </fieldset>
    <p class="form-error" data-form-error hidden></p>
    <button class="btn btn-wide" type="submit">Place order</button>
  </form>
  <aside class="summary" data-checkout-summary><p class="muted">Loading…</p></aside>
</div>`,
  });
}

export function thankYouPage(install: SnippetInstall, order: Order | undefined): string {
  if (!order) {
    return layout({
      title: 'Order not found',
      page: 'thank-you',
      install,
      body: `<section class="message"><h1>We could not find that order</h1><p>It may have been placed in another session of this demo. <a href="/">Back to the shop</a></p></section>`,
    });
  }
  const lines = order.lines
    .map((l) => `<tr><td>${escapeHtml(l.name)} × ${l.quantity}</td><td>${formatPrice(l.lineTotal)}</td></tr>`)
    .join('');
  return layout({
    title: 'Thank you',
    page: 'thank-you',
    install,
    body: `<section class="message" data-order="${escapeHtml(order.id)}" data-order-total="${order.total}" data-order-currency="${order.currency}" data-order-items="${order.lines.reduce((n, l) => n + l.quantity, 0)}">
  <p class="eyebrow">Order confirmed</p>
  <h1>Thank you, ${escapeHtml(order.customer.name.split(' ')[0] ?? '')}!</h1>
  <p class="lead">Your order <strong data-order-id>${escapeHtml(order.id)}</strong> is on its way to ${escapeHtml(order.customer.city)}. A confirmation goes to ${escapeHtml(order.customer.email)}.</p>
  <table class="order-table">${lines}
    <tr><td>Shipping</td><td>${order.shipping ? formatPrice(order.shipping) : 'Free'}</td></tr>
    <tr class="total"><td>Total</td><td data-order-total-text>${formatPrice(order.total)}</td></tr>
  </table>
  <a class="btn" href="/">Continue shopping</a>
</section>`,
  });
}

export function notFoundPage(install: SnippetInstall): string {
  return layout({
    title: 'Not found',
    page: 'not-found',
    install,
    body: `<section class="message"><h1>This page wandered off</h1><p><a href="/">Back to the shop</a></p></section>`,
  });
}
