import type { ErrorBody } from '@floorwalker/protocol';

/**
 * Every error the collector answers with. Codes are stable (clients and dashboards key on them);
 * messages are for humans and may change.
 */
export const collectorErrors = {
  FW_INGEST_EMPTY_BODY: { statusCode: 400, message: 'The request body is empty.' },
  FW_INGEST_BAD_ENCODING: { statusCode: 400, message: 'The request body is not valid UTF-8.' },
  FW_INGEST_BAD_JSON: { statusCode: 400, message: 'The request body is not valid JSON.' },
  FW_INGEST_BAD_BATCH: { statusCode: 400, message: 'The event batch envelope is invalid.' },
  /** Per event, inside a 2xx response's `rejected` list: the event failed its schema. */
  FW_INGEST_BAD_EVENT: { statusCode: 400, message: 'The event is invalid.' },
  FW_INGEST_ORIGIN_FORBIDDEN: { statusCode: 403, message: 'This origin may not send events for this site.' },
  FW_INGEST_UNKNOWN_SITE: { statusCode: 404, message: 'No site with this key.' },
  FW_INGEST_BODY_TOO_LARGE: { statusCode: 413, message: 'The request body is too large.' },
  FW_INGEST_UNSUPPORTED_MEDIA_TYPE: {
    statusCode: 415,
    message: 'Send the batch as text/plain or application/json.',
  },
  FW_INGEST_RATE_LIMITED: { statusCode: 429, message: 'Too many requests; retry later.' },
  FW_INGEST_UNAVAILABLE: { statusCode: 503, message: 'Events cannot be stored right now; retry later.' },
  FW_SNIPPET_NOT_FOUND: { statusCode: 404, message: 'No such snippet file.' },
  FW_METRICS_UNAUTHORIZED: { statusCode: 401, message: 'A valid metrics token is required.' },
  FW_HEALTH_UNAVAILABLE: { statusCode: 503, message: 'Redis is not reachable.' },
  FW_HTTP_NOT_FOUND: { statusCode: 404, message: 'No such route.' },
  FW_HTTP_BAD_REQUEST: { statusCode: 400, message: 'The request is malformed.' },
  FW_INTERNAL: { statusCode: 500, message: 'Internal error.' },
} as const satisfies Record<string, { statusCode: number; message: string }>;

export type CollectorErrorCode = keyof typeof collectorErrors;
export type Issue = { path: (string | number)[]; message: string };

/** An expected failure with a catalogued code; the error handler turns it into the HTTP shape. */
export class CollectorError extends Error {
  readonly code: CollectorErrorCode;
  readonly statusCode: number;
  readonly issues: Issue[] | undefined;
  /** Extra response headers, e.g. `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(
    code: CollectorErrorCode,
    options: {
      message?: string;
      issues?: Issue[];
      headers?: Record<string, string>;
      /** Overrides the catalogued status (used for fastify's precise 4xx such as 408 or 431). */
      statusCode?: number;
      cause?: unknown;
    } = {},
  ) {
    super(options.message ?? collectorErrors[code].message, { cause: options.cause });
    this.name = 'CollectorError';
    this.code = code;
    this.statusCode = options.statusCode ?? collectorErrors[code].statusCode;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        statusCode: this.statusCode,
        ...(this.issues ? { issues: this.issues } : {}),
      },
    };
  }
}

/** Fastify's own errors (body parsing happens before our handler runs), mapped to our codes. */
const fastifyCodes: Record<string, CollectorErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'FW_INGEST_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'FW_INGEST_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'FW_INGEST_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'FW_INGEST_EMPTY_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'FW_HTTP_BAD_REQUEST',
};

/**
 * Any thrown value as a {@link CollectorError}: ours pass through, fastify's 4xx get a catalogued
 * code (keeping their status), everything else becomes `FW_INTERNAL`.
 */
export function toCollectorError(error: unknown): CollectorError {
  if (error instanceof CollectorError) return error;
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown } | null;
  const mapped = typeof e?.code === 'string' ? fastifyCodes[e.code] : undefined;
  if (mapped) return new CollectorError(mapped, { cause: error });
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return new CollectorError('FW_HTTP_BAD_REQUEST', {
      message: typeof e?.message === 'string' ? e.message : collectorErrors.FW_HTTP_BAD_REQUEST.message,
      statusCode: status,
      cause: error,
    });
  }
  return new CollectorError('FW_INTERNAL', { cause: error });
}
