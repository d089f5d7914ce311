import { productArt } from '../catalog/product-art.ts';
import { formatPrice, type Product } from '../catalog/products.ts';
import { escapeHtml } from './escape-html.ts';

/** A product tile with a quick "Add to cart" button. */
export function productCard(p: Product): string {
  return `<article class="card" data-price="${p.price}" data-slug="${p.slug}">
  <a class="card-link" href="/product/${p.slug}">${productArt(p)}<h3>${escapeHtml(p.name)}</h3></a>
  <p class="card-blurb">${escapeHtml(p.blurb)}</p>
  <div class="card-foot"><span class="price">${formatPrice(p.price)}</span>
  <button class="btn btn-small" type="button" data-add="${p.slug}">Add to cart</button></div>
</article>`;
}
