import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { nodeEnv } from './production-mode.ts';

/** The machine a run measured on: enough to tell two runs' conditions apart. */
export function machineAtStart() {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    /** As the libraries saw it when they loaded (graphql-js's checks follow it). */
    nodeEnv,
    platform: `${process.platform} ${process.arch}`,
    loadAverageStart: loadavg(),
  };
}

/** The command line as typed after `node`: the flags and the bench's own options. */
export const commandLine = () => [...process.execArgv, ...process.argv.slice(1)].join(' ');

/** Writes a run's JSON: machine (with the load average at the end added), command line, data. */
export function writeRunJson(
  file: string,
  bench: string,
  machine: ReturnType<typeof machineAtStart>,
  data: Record<string, unknown>,
): void {
  const doc = {
    bench,
    finishedAt: new Date().toISOString(),
    command: commandLine(),
    machine: { ...machine, loadAverageEnd: loadavg() },
    ...data,
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}
