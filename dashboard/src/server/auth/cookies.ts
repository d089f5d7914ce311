/** Name of the signed, http-only session cookie. */
export const SESSION_COOKIE = 'fw_session';
/** Name of the readable CSRF cookie the app echoes in the `x-csrf-token` header. */
export const CSRF_COOKIE = 'fw_csrf';
/** Header that must carry the CSRF cookie's value on every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';
