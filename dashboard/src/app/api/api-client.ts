import type { ErrorIssue, ErrorResponse } from './api-types.ts';

const CSRF_COOKIE = 'fw_csrf';
const CSRF_HEADER = 'x-csrf-token';

/** A failed API call, carrying the server's error code and zod issue paths. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly issues: ErrorIssue[] = [],
  ) {
    super(message);
  }

  /** The message for one form field (`issues` whose path starts with it). */
  fieldMessage(field: string): string | undefined {
    return this.issues.find((i) => String(i.path[0]) === field)?.message;
  }
}

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

async function csrfToken(): Promise<string> {
  const existing = readCookie(CSRF_COOKIE);
  if (existing) return existing;
  const res = await fetch('/api/auth/csrf', { credentials: 'same-origin' });
  const body = (await res.json()) as { token: string };
  return body.token;
}

/** Listeners told when the session has ended (any 401), so the app can show the login page. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function send<T>(method: Method, path: string, body: unknown, retried: boolean): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers[CSRF_HEADER] = await csrfToken();
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (res.ok) return json as T;
  const error = (json as Partial<ErrorResponse> | undefined)?.error;
  // A stale CSRF cookie (e.g. the secret changed): the server just issued a fresh one, retry once.
  if (error?.code === 'FW_CSRF' && !retried) return send(method, path, body, true);
  if (res.status === 401 && error?.code === 'FW_AUTH_REQUIRED') for (const l of unauthorizedListeners) l();
  throw new ApiError(
    error?.code ?? 'FW_HTTP',
    error?.message ?? `Request failed (${res.status})`,
    res.status,
    error?.issues ?? [],
  );
}

/** The dashboard API: JSON in and out, same-origin cookies, the CSRF header on every write. */
export const api = {
  get: <T>(path: string) => send<T>('GET', path, undefined, false),
  post: <T>(path: string, body?: unknown) => send<T>('POST', path, body, false),
  patch: <T>(path: string, body: unknown) => send<T>('PATCH', path, body, false),
  put: <T>(path: string, body: unknown) => send<T>('PUT', path, body, false),
  delete: (path: string) => send<void>('DELETE', path, undefined, false),
};
