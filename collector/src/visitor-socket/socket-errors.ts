/**
 * Error codes of the `/visitor` namespace. Connection refusals arrive in the browser as a
 * `connect_error` whose `data` is `{ code, message }`; rejected messages as an `error` event with
 * the same shape. Codes are stable (the snippet keys its retry decision on them).
 */
export const visitorSocketErrors = {
  /** The handshake `auth` payload failed its schema (connect error, not retried). */
  FW_SOCKET_BAD_HANDSHAKE: { message: 'The handshake is invalid.', retry: false },
  /** No site with this key (connect error, not retried). */
  FW_SOCKET_UNKNOWN_SITE: { message: 'No site with this key.', retry: false },
  /** The page's origin is not one of the site's allowed origins (connect error, not retried). */
  FW_SOCKET_ORIGIN_FORBIDDEN: { message: 'This origin may not connect for this site.', retry: false },
  /** The site could not be looked up (Redis down); the snippet retries with backoff. */
  FW_SOCKET_UNAVAILABLE: { message: 'The service is unavailable; retry later.', retry: true },
  /** A message failed its schema; the message is dropped. */
  FW_SOCKET_BAD_PAYLOAD: { message: 'The message is invalid.', retry: false },
  /** The client sent an event the namespace does not handle; dropped. */
  FW_SOCKET_UNKNOWN_EVENT: { message: 'Unknown event.', retry: false },
  /** The client sent more messages than its budget; dropped (and disconnected when it persists). */
  FW_SOCKET_RATE_LIMITED: { message: 'Too many messages; slow down.', retry: true },
} as const satisfies Record<string, { message: string; retry: boolean }>;

export type VisitorSocketErrorCode = keyof typeof visitorSocketErrors;

/** The payload of a refused connection (`connect_error.data`) and of an `error` event. */
export interface VisitorSocketErrorData {
  code: VisitorSocketErrorCode;
  message: string;
}

/** An `Error` socket.io sends to the client as a connect error, `data` carrying the code. */
export class VisitorSocketError extends Error {
  readonly data: VisitorSocketErrorData;

  constructor(code: VisitorSocketErrorCode, message: string = visitorSocketErrors[code].message) {
    super(message);
    this.name = 'VisitorSocketError';
    this.data = { code, message };
  }
}
