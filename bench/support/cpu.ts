import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on nearly every Linux). */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time of another process so far, in ms: user + system of all its threads, ended ones
 * included (utime and stime of /proc/<pid>/stat; Linux only). 0 once the process is gone.
 */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // The command name in parentheses may hold spaces; fields after it start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[14 - 3]) + Number(fields[15 - 3])) * 1000) / ticksPerSecond;
}

/** CPU time of this process (all threads) plus that of `pids`, in ms. */
export function cpuMs(pids: number[]): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1000 + pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
}
