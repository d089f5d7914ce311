/**
 * The one wrapper between the host page and the snippet: every callback, timer, listener and
 * public call goes through {@link guard}, so a bug here never surfaces as an error on the shop's
 * page. The logger is silent unless the site turned debugging on (`data-debug`).
 */
let debugOn = false;

/** Turns debug logging on or off (off by default). */
export function setDebug(on: boolean): void {
  debugOn = on;
}

/** Logs to the console only while debugging is on. */
export function log(...args: unknown[]): void {
  if (debugOn) console.debug('[floorwalker]', ...args);
}

/** Wraps `fn` so that it never throws; errors are logged in debug mode and swallowed. */
export function guard<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | undefined {
  return (...args: A) => {
    try {
      return fn(...args);
    } catch (error) {
      log('internal error', error);
      return undefined;
    }
  };
}
