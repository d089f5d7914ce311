import { readFileSync } from 'node:fs';

/**
 * CPU time (user + system) of a process, ms, from /proc (Linux); NaN elsewhere. With `thread`,
 * of that one thread (`thread === pid` is the main thread: a Node process's JavaScript).
 */
export function processCpuMs(pid: number | undefined, thread?: number): number {
  try {
    const stat = readFileSync(
      thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
      'utf8',
    );
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}
