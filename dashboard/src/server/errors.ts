import { issuesOf } from '@floorwalker/protocol';
import type { z } from 'zod';

/** One issue of a rejected body: the zod path and what is wrong there. */
export interface ErrorIssue {
  path: (string | number)[];
  message: string;
}

/** Every error the dashboard API answers with: a stable code, its HTTP status and a default message. */
export const errorCatalog = {
  FW_BAD_REQUEST: { statusCode: 400, message: 'The request is not valid.' },
  FW_AUTH_REQUIRED: { statusCode: 401, message: 'Please log in.' },
  FW_AUTH_INVALID: { statusCode: 401, message: 'Wrong e-mail address or password.' },
  FW_CSRF: { statusCode: 403, message: 'The request did not come from the dashboard (CSRF check failed).' },
  FW_FORBIDDEN: { statusCode: 403, message: 'Your role does not allow this.' },
  FW_NOT_FOUND: { statusCode: 404, message: 'Not found.' },
  FW_USER_EMAIL_TAKEN: { statusCode: 409, message: 'Another user already has this e-mail address.' },
  FW_VISITOR_NOT_ONLINE: { statusCode: 409, message: 'The visitor is no longer on the site.' },
  FW_LAST_ADMIN: { statusCode: 409, message: 'The last admin cannot be removed or demoted.' },
  FW_USER_SELF_DELETE: { statusCode: 409, message: 'You cannot delete your own account.' },
  FW_TRIGGER_VERSION_CONFLICT: {
    statusCode: 409,
    message: 'Someone saved this trigger in the meantime: reload it and apply your change again.',
  },
  FW_PAYLOAD_TOO_LARGE: { statusCode: 413, message: 'The request body is too large.' },
  FW_UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, message: 'Send JSON (Content-Type: application/json).' },
  FW_AUTH_RATE_LIMITED: { statusCode: 429, message: 'Too many failed logins. Wait a minute and try again.' },
  FW_INTERNAL: { statusCode: 500, message: 'Something went wrong on the server.' },
  FW_UNAVAILABLE: { statusCode: 503, message: 'A backing service is unavailable; try again shortly.' },
  FW_APP_NOT_BUILT: { statusCode: 503, message: 'The dashboard app is not built.' },
} as const satisfies Record<string, { statusCode: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/** The body of every error response. */
export interface ErrorResponse {
  error: { code: ErrorCode; message: string; statusCode: number; issues?: ErrorIssue[] };
}

/** An expected failure of a request; the error handler turns it into {@link ErrorResponse}. */
export class HttpError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message ?? errorCatalog[code].message);
    this.statusCode = errorCatalog[code].statusCode;
  }

  toBody(): ErrorResponse {
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

/** Validates a body (or params, or query) with zod; throws a 400 listing every issue path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError('FW_BAD_REQUEST', undefined, issuesOf(result.error));
  return result.data;
}
