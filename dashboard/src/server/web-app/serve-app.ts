import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../errors.ts';

/** Options of {@link serveApp}. */
export interface ServeAppOptions {
  /** Folder of the built React app (with `index.html`). */
  distDir: string;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Floorwalker dashboard is not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937}
code{background:#f3f4f6;padding:.15rem .35rem;border-radius:4px}</style></head>
<body><h1>The dashboard app is not built</h1>
<p>The API is running, but the web app has not been built yet. Build it, then restart the dashboard:</p>
<p><code>npm run build -w @floorwalker/dashboard</code></p></body></html>`;

/*
 * Serves the built React app: hashed assets with long caching, `index.html` for every other
 * GET outside `/api/` (client-side routes), and a 503 page that says how to build when there is
 * no build. Unknown `/api/` paths answer the JSON 404.
 */
async function serveAppPlugin(app: FastifyInstance, options: ServeAppOptions): Promise<void> {
  const built = existsSync(join(options.distDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: options.distDir,
      wildcard: false,
      index: false,
      setHeaders(reply, path) {
        const immutable = /[\\/]assets[\\/]/.test(path);
        reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  } else {
    app.log.warn(
      { distDir: options.distDir },
      'dashboard app not built: run npm run build -w @floorwalker/dashboard',
    );
  }

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !path.startsWith('/api/');
    // A missing file (`/assets/x.js`) is a real 404, not the app.
    if (!isPage || /\.[A-Za-z0-9]{1,8}$/.test(path)) {
      throw new HttpError('FW_NOT_FOUND', `No route ${request.method} ${path}.`);
    }
    if (!built) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}

/** The web app plugin; it owns the not-found handler, so it is registered at the root. */
export const serveApp = fp(serveAppPlugin, { name: 'fw-web-app' });
