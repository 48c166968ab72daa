import { parseArgs } from 'node:util';

export interface RunOptions {
  /** Measured seconds per variant, taken in slices in turns. */
  seconds: number;
  slice: number;
  warmup: number;
  connections: number;
  smoke: boolean;
  /** `--json FILE`: where to write the results too (benches that accept it). */
  json?: string;
}

/**
 * `--smoke` is a few seconds in all: it proves the bench runs and prints, nothing more.
 * `--json FILE` is refused unless the bench says it writes one (`accept.json`).
 */
export function runOptions(
  defaults: Omit<RunOptions, 'smoke' | 'json'>,
  accept: { json?: boolean } = {},
): RunOptions {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      slice: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      ...(accept.json ? { json: { type: 'string' } as const } : {}),
    },
  });
  const smoke = values.smoke ?? false;
  const pick = (v: string | undefined, full: number, small: number) =>
    v !== undefined ? Number(v) : smoke ? small : full;
  return {
    smoke,
    // Half a second is still tens of requests per variant on a slow machine: enough to show
    // a variant answers without errors, which is all a smoke run is for.
    seconds: pick(values.seconds, defaults.seconds, 0.5),
    slice: pick(values.slice, defaults.slice, 0.5),
    warmup: pick(values.warmup, defaults.warmup, 0.25),
    connections: pick(values.connections, defaults.connections, 2),
    json: 'json' in values ? String(values.json) : undefined,
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
