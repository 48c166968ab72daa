import { parseArgs } from 'node:util';

export interface RunOptions {
  /** Measured seconds per variant, taken in slices in turns. */
  seconds: number;
  slice: number;
  warmup: number;
  connections: number;
  smoke: boolean;
}

/** `--smoke` is a few seconds in all: it proves the bench runs and prints, nothing more. */
export function runOptions(defaults: Omit<RunOptions, 'smoke'>): RunOptions {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      slice: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      smoke: { type: 'boolean', default: false },
    },
  });
  const smoke = values.smoke ?? false;
  const pick = (v: string | undefined, full: number, small: number) =>
    v !== undefined ? Number(v) : smoke ? small : full;
  return {
    smoke,
    seconds: pick(values.seconds, defaults.seconds, 1),
    slice: pick(values.slice, defaults.slice, 1),
    warmup: pick(values.warmup, defaults.warmup, 0.5),
    connections: pick(values.connections, defaults.connections, 2),
  };
}

/** Runs a bench entry point and exits: servers left open must not keep the process alive. */
export function main(run: () => Promise<void>): void {
  run().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
