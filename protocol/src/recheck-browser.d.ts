// recheck's package entry picks a native binary, a JAR or a worker thread at run time; its
// `lib/browser.js` is the same checker compiled to plain JavaScript (Scala.js), synchronous,
// with no Node built-ins, so the trigger schema validates identically in the dashboard and
// on the servers. The package has no `exports` map, so the deep import resolves everywhere.
declare module 'recheck/lib/browser.js' {
  import type { Diagnostics, Parameters } from 'recheck';

  const recheck: {
    checkSync(source: string, flags: string, params?: Parameters): Diagnostics;
  };
  export default recheck;
}
