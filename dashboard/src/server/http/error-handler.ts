import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { type ErrorCode, errorCatalog, HttpError } from '../errors.ts';

function codeForStatus(statusCode: number): ErrorCode {
  if (statusCode === 413) return 'FW_PAYLOAD_TOO_LARGE';
  if (statusCode === 415) return 'FW_UNSUPPORTED_MEDIA_TYPE';
  if (statusCode === 401) return 'FW_AUTH_REQUIRED';
  if (statusCode === 403) return 'FW_FORBIDDEN';
  if (statusCode === 404) return 'FW_NOT_FOUND';
  return 'FW_BAD_REQUEST';
}

/**
 * Turns every error into `{ error: { code, message, statusCode, issues? } }` and counts it.
 * Fastify's own 4xx (bad JSON, body too large, wrong content type) keep their status; anything
 * unexpected is logged and answered with a 500 that leaks no details.
 */
export const errorHandling = fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
      let body: HttpError;
      if (error instanceof HttpError) body = error;
      else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        body = new HttpError(codeForStatus(error.statusCode), error.message);
      } else {
        request.log.error({ err: error }, 'request failed');
        body = new HttpError('FW_INTERNAL');
      }
      app.metrics.errors.inc({ code: body.code });
      return reply.code(errorCatalog[body.code].statusCode).send(body.toBody());
    });
  },
  { name: 'fw-error-handling' },
);
