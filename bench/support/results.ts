import { availableParallelism, loadavg } from 'node:os';
import type { RunOptions } from './args.ts';
import { ratioOf, type LoadResult } from './load.ts';
import { machineAtStart, writeRunJson } from './run-info.ts';

/** One variant's figures in a results file: the table row, unrounded. */
export type VariantFigures = { operation: string; variant: string } & LoadResult &
  Record<string, unknown>;

/** One printed ratio line, unrounded; null where the line says n/a (a variant not run). */
export interface RatioFigures {
  operation: string;
  label: string;
  p50: number | null;
  p99: number | null;
  rps: number | null;
  cpuMs: number | null;
}

/**
 * A results file as `resultsRecorder` writes it (and the tests read it back): `Extra` types
 * the bench's own figures per variant, beyond the table's.
 */
export interface ResultsFile<Extra extends object = object> {
  bench: string;
  run: RunOptions & { cores: number; loadAverageBefore: number[]; loadAverageAfter: number[] };
  variants: (VariantFigures & Extra)[];
  ratios: RatioFigures[];
}

export function ratioFigures(
  operation: string,
  label: string,
  a: LoadResult | undefined,
  b: LoadResult | undefined,
): RatioFigures {
  if (!a || !b) return { operation, label, p50: null, p99: null, rps: null, cpuMs: null };
  return { operation, label, ...ratioOf(a, b) };
}

/**
 * What `--json FILE` collects over a run: the variants and ratios as the tables print them,
 * written with the run's conditions (options, smoke or not, cores, load averages before and
 * after, the machine) so two runs can be compared by `npm run bench:compare`.
 */
export function resultsRecorder(bench: string, o: RunOptions) {
  const machine = machineAtStart();
  const loadAverageBefore = loadavg();
  const variants: VariantFigures[] = [];
  const ratios: RatioFigures[] = [];
  return {
    variants,
    ratios,
    /** Writes the file when `--json` was given; `extra` adds bench-specific sections. */
    write(extra: Record<string, unknown> = {}) {
      if (!o.json) return;
      const run = {
        ...o,
        cores: availableParallelism(),
        loadAverageBefore,
        loadAverageAfter: loadavg(),
      };
      writeRunJson(o.json, bench, machine, { run, variants, ratios, ...extra });
    },
  };
}
