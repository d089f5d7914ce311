import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { issuesOf } from '@floorwalker/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { categoryBySlug, productBySlug } from './catalog/products.ts';
import { createOrderStore, orderRequest, UnknownProductError } from './orders/order-store.ts';
import type { SnippetInstall } from './pages/layout.ts';
import {
  cartPage,
  categoryPage,
  checkoutPage,
  homePage,
  notFoundPage,
  productPage,
  thankYouPage,
} from './pages/shop-pages.ts';

export { type DemoConfig, loadDemoConfig } from './config.ts';

export interface DemoShopOptions {
  /** Public collector URL the snippet tag points at (`<collectorUrl>/snippet.js`). Required. */
  collectorUrl: string;
  /** Site key in the tag's `data-site`. Required. */
  siteId: string;
  /** Listen on this port (0: any free port). Default: do not listen (use `inject()`). */
  port?: number;
  /** Interface to listen on when `port` is given. Default `0.0.0.0`. */
  host?: string;
  /** Fastify logger. Default off. */
  logger?: boolean;
}

/** The shop's Fastify app; `url` is its address once listening (`''` otherwise). */
export type DemoShop = FastifyInstance & { readonly url: string };

const asset = (name: string) => readFileSync(new URL(`../public/${name}`, import.meta.url), 'utf8');

/**
 * A small real shop with the Floorwalker snippet installed by the one-tag install: home,
 * categories (price filter via pushState), products, a cart in localStorage, checkout and a
 * thank-you page. Its script reports `add_to_cart`, `remove_from_cart`, `checkout_started`,
 * `identify` and `purchase` through `floorwalker('track', …)`.
 */
export async function buildDemoShop(options: DemoShopOptions): Promise<DemoShop> {
  const install: SnippetInstall = {
    collectorUrl: options.collectorUrl.replace(/\/+$/, ''),
    siteId: options.siteId,
  };
  const orders = createOrderStore();
  const assets = { 'shop.css': asset('shop.css'), 'shop.js': asset('shop.js') };
  const app = Fastify({ logger: options.logger ?? false });

  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(homePage(install)));
  app.get<{ Params: { slug: string }; Querystring: { price?: string } }>(
    '/category/:slug',
    async (req, reply) => {
      const category = categoryBySlug.get(req.params.slug);
      reply.type('text/html; charset=utf-8');
      if (!category) return reply.code(404).send(notFoundPage(install));
      return categoryPage(install, category, String(req.query.price ?? 'all'));
    },
  );
  app.get<{ Params: { slug: string } }>('/product/:slug', async (req, reply) => {
    const product = productBySlug.get(req.params.slug);
    reply.type('text/html; charset=utf-8');
    if (!product) return reply.code(404).send(notFoundPage(install));
    return productPage(install, product, categoryBySlug.get(product.category)!);
  });
  app.get('/cart', async (_req, reply) => reply.type('text/html; charset=utf-8').send(cartPage(install)));
  app.get('/checkout', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(checkoutPage(install)),
  );
  app.get<{ Querystring: { order?: string } }>('/thank-you', async (req, reply) => {
    const order = orders.get(String(req.query.order ?? ''));
    return reply
      .code(order ? 200 : 404)
      .type('text/html; charset=utf-8')
      .send(thankYouPage(install, order));
  });

  app.post('/api/orders', async (req, reply) => {
    const parsed = orderRequest.safeParse(req.body);
    if (!parsed.success) {
      return reply.code(400).send({
        error: {
          code: 'DEMO_BAD_ORDER',
          message: 'Please check the highlighted fields.',
          statusCode: 400,
          issues: issuesOf(parsed.error),
        },
      });
    }
    try {
      const order = orders.place(parsed.data);
      return reply.code(201).send({ orderId: order.id, total: order.total, currency: order.currency });
    } catch (error) {
      if (!(error instanceof UnknownProductError)) throw error;
      return reply.code(400).send({
        error: { code: 'DEMO_UNKNOWN_PRODUCT', message: `We do not sell "${error.slug}".`, statusCode: 400 },
      });
    }
  });

  app.get('/assets/shop.css', async (_req, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(assets['shop.css']),
  );
  app.get('/assets/shop.js', async (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(assets['shop.js']),
  );
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());

  app.setNotFoundHandler(async (_req, reply) =>
    reply.code(404).type('text/html; charset=utf-8').send(notFoundPage(install)),
  );
  app.setErrorHandler(async (error: { statusCode?: number; code?: string; message: string }, _req, reply) => {
    // Malformed JSON and the like are the client's fault: the standard error shape, never a 500.
    const statusCode = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (statusCode === 500) app.log.error(error);
    return reply.code(statusCode).send({
      error: {
        code: error.code ?? 'DEMO_ERROR',
        message: statusCode === 500 ? 'Something went wrong.' : error.message,
        statusCode,
      },
    });
  });

  let url = '';
  if (options.port !== undefined) {
    await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
    const address = app.server.address() as AddressInfo;
    const host = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address;
    url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }
  return Object.defineProperty(app, 'url', { get: () => url, enumerable: true }) as unknown as DemoShop;
}
