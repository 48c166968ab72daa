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

/**
 * The whole machine's CPU ticks so far (/proc/stat's first line) and how many of them the
 * hypervisor gave to someone else (steal). Zeros where /proc/stat is missing.
 */
export function machineTicks(): { total: number; steal: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice; guests are
    // already counted in user and nice.
    const t = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: t.reduce((a, b) => a + b, 0), steal: t[7] ?? 0 };
  } catch {
    return { total: 0, steal: 0 };
  }
}
