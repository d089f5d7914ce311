import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CollectorError } from '../errors.ts';
import type { SnippetFiles } from './snippet-files.ts';

/** Options of {@link snippetRoute}. */
export interface SnippetRouteOptions {
  files: SnippetFiles;
  /** `max-age` of the loader and of unhashed files, seconds. Default 300. */
  loaderMaxAge?: number;
}

/** Name of the loader in the snippet build, served at `/snippet.js`. */
export const LOADER_FILE = 'snippet.js';
/** URL prefix under which every file of the snippet build is served: `/s/<path>`. */
export const CHUNK_PREFIX = '/s/';
/**
 * Snippet files also served at the root, next to the loader, because the loader fetches its
 * lazy parts relative to its own URL (`/snippet-<part>.js`, `/snippet.esm.js`, source maps).
 */
const ROOT_FILE = /^snippet[A-Za-z0-9._-]*\.(?:m?js|map)$/;

/**
 * Serves the snippet to shop pages: the loader at `/snippet.js` with a short cache (so a
 * release reaches visitors within minutes), its sibling parts at `/snippet-<part>.js`, and
 * any build file at `/s/<path>`; files whose name carries a content hash are immutable. Any origin may load them (`Access-Control-Allow-Origin: *`,
 * `Cross-Origin-Resource-Policy: cross-origin` for shops that set COEP). Gzip when accepted;
 * ETag revalidation.
 */
export async function snippetRoute(app: FastifyInstance, options: SnippetRouteOptions): Promise<void> {
  const { files } = options;
  const loaderMaxAge = options.loaderMaxAge ?? 300;

  async function serve(request: FastifyRequest, reply: FastifyReply, path: string) {
    const file = await files.read(path);
    reply.header('access-control-allow-origin', '*');
    if (!file) {
      throw new CollectorError('FW_SNIPPET_NOT_FOUND', {
        message:
          path === LOADER_FILE
            ? `${LOADER_FILE} is not built: run \`npm run build -w @floorwalker/snippet\` (looked in ${files.dir}).`
            : `No snippet file ${path.slice(0, 200)}.`,
      });
    }
    reply
      .header(
        'cache-control',
        file.hashed
          ? 'public, max-age=31536000, immutable'
          : `public, max-age=${loaderMaxAge}, must-revalidate`,
      )
      .header('etag', file.etag)
      .header('vary', 'accept-encoding')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('x-content-type-options', 'nosniff')
      .type(file.contentType);
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch?.split(',').some((t) => t.trim() === file.etag || t.trim() === '*')) {
      return reply.code(304).send();
    }
    const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (file.gzip && acceptsGzip) return reply.header('content-encoding', 'gzip').send(file.gzip);
    return reply.send(file.body);
  }

  app.get(`/${LOADER_FILE}`, (request, reply) => serve(request, reply, LOADER_FILE));
  app.get('/:file', (request, reply) => {
    const { file } = request.params as { file: string };
    if (!ROOT_FILE.test(file)) return reply.callNotFound();
    return serve(request, reply, file);
  });
  app.get(`${CHUNK_PREFIX}*`, (request, reply) =>
    serve(request, reply, (request.params as { '*': string })['*']),
  );
}
