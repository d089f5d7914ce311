/**
 * Error codes of the staff namespace `/agent`. A refused connection arrives in the browser as a
 * `connect_error` whose `data` is `{ code, message }`; a refused message as an `error` event (or
 * an ack with `ok: false`) with the same code.
 */
export const agentSocketErrors = {
  /** No session cookie, or the session ended (connect error; log in again). */
  FW_SOCKET_AUTH_REQUIRED: 'Please log in.',
  /** The handshake came from a page of another origin (connect error). */
  FW_SOCKET_ORIGIN_FORBIDDEN: 'This origin may not connect to the dashboard.',
  /** The user may not see this site, or it does not exist. */
  FW_SOCKET_SITE_FORBIDDEN: 'You do not have access to this site.',
  /** A message failed its schema; it is dropped. */
  FW_SOCKET_BAD_PAYLOAD: 'The message is invalid.',
  /** Redis or ClickHouse failed; retry. */
  FW_SOCKET_UNAVAILABLE: 'The service is unavailable; retry later.',
} as const satisfies Record<string, string>;

export type AgentSocketErrorCode = keyof typeof agentSocketErrors;

/** An `Error` socket.io sends to the client as a connect error, `data` carrying the code. */
export class AgentSocketError extends Error {
  readonly data: { code: AgentSocketErrorCode; message: string };

  constructor(code: AgentSocketErrorCode, message: string = agentSocketErrors[code]) {
    super(message);
    this.name = 'AgentSocketError';
    this.data = { code, message };
  }
}
