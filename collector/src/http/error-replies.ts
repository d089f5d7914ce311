import type { FastifyInstance, FastifyReply } from 'fastify';
import { CollectorError, toCollectorError } from '../errors.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';

/** Sends the one error shape `{ error: { code, message, statusCode, issues? } }` and counts it by code. */
export function sendError(
  reply: FastifyReply,
  metrics: CollectorMetrics,
  error: CollectorError,
): FastifyReply {
  metrics.httpErrors.inc({ code: error.code });
  return reply.code(error.statusCode).headers(error.headers).type('application/json').send(error.toBody());
}

/**
 * Installs the root error and not-found handlers: every failure, ours or fastify's (body too
 * large, bad media type), answers in the catalogue's shape. Unexpected errors are logged and
 * answered as `FW_INTERNAL` without details.
 */
export function installErrorReplies(app: FastifyInstance, metrics: CollectorMetrics): void {
  app.setErrorHandler((error, request, reply) => {
    const known = toCollectorError(error);
    if (known.statusCode >= 500 && known.code !== 'FW_INGEST_UNAVAILABLE') {
      request.log.error({ err: error }, 'request failed');
    } else if (known.code === 'FW_INGEST_UNAVAILABLE') {
      request.log.warn({ err: known.cause ?? known }, 'Redis unavailable');
    }
    return sendError(reply, metrics, known);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      metrics,
      new CollectorError('FW_HTTP_NOT_FOUND', {
        message: `No route ${request.method} ${request.url.slice(0, 200)}.`,
      }),
    ),
  );
}
