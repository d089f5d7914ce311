import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CURRENCY, FREE_SHIPPING_FROM, productBySlug, SHIPPING_FEE } from '../catalog/products.ts';

/** What the checkout form posts to `POST /api/orders`. */
export const orderRequest = z.object({
  items: z
    .array(z.object({ slug: z.string().max(100), quantity: z.number().int().min(1).max(20) }))
    .min(1, 'the cart is empty')
    .max(50),
  customer: z.object({
    email: z.email().max(200),
    name: z.string().trim().min(1).max(200),
    address: z.string().trim().min(1).max(300),
    zip: z.string().trim().min(1).max(20),
    city: z.string().trim().min(1).max(100),
    country: z.string().regex(/^[A-Z]{2}$/),
  }),
  payment: z.enum(['invoice', 'card']),
});
export type OrderRequest = z.infer<typeof orderRequest>;

export interface Order {
  id: string;
  lines: {
    slug: string;
    sku: string;
    name: string;
    quantity: number;
    unitPrice: number;
    lineTotal: number;
  }[];
  subtotal: number;
  shipping: number;
  total: number;
  currency: string;
  customer: OrderRequest['customer'];
  placedAt: number;
}

/** An item the catalog does not know: the order is refused rather than priced by the client. */
export class UnknownProductError extends Error {
  constructor(readonly slug: string) {
    super(`unknown product ${slug}`);
  }
}

const cents = (v: number) => Math.round(v * 100) / 100;

/**
 * Orders of the demo shop, in memory (a demo keeps no customer data), newest {@link limit}
 * kept. Prices always come from the catalog, never from the browser.
 */
export function createOrderStore(limit = 1000) {
  const orders = new Map<string, Order>();
  return {
    place(request: OrderRequest): Order {
      const merged = new Map<string, number>();
      for (const item of request.items) merged.set(item.slug, (merged.get(item.slug) ?? 0) + item.quantity);
      const lines = [...merged].map(([slug, quantity]) => {
        const product = productBySlug.get(slug);
        if (!product) throw new UnknownProductError(slug);
        return {
          slug,
          sku: product.sku,
          name: product.name,
          quantity,
          unitPrice: product.price,
          lineTotal: cents(product.price * quantity),
        };
      });
      const subtotal = cents(lines.reduce((sum, l) => sum + l.lineTotal, 0));
      const shipping = subtotal >= FREE_SHIPPING_FROM ? 0 : SHIPPING_FEE;
      const order: Order = {
        id: `FH-${randomBytes(4).toString('hex').toUpperCase()}`,
        lines,
        subtotal,
        shipping,
        total: cents(subtotal + shipping),
        currency: CURRENCY,
        customer: request.customer,
        placedAt: Date.now(),
      };
      orders.set(order.id, order);
      if (orders.size > limit) orders.delete(orders.keys().next().value!);
      return order;
    },
    get: (id: string) => orders.get(id),
  };
}
export type OrderStore = ReturnType<typeof createOrderStore>;
