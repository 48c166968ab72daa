import { z } from 'zod';
import type { SandboxBankOptions } from './index.js';

const optionsSchema = z.object({
  id: z.string().min(1).max(40),
  standard: z.enum(['obie', 'berlin-group']),
  obieVersion: z.enum(['3.1.11', '4.0']).default('3.1.11'),
  seed: z.number(),
  anchorDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}/, 'anchorDate must be an ISO date')
    .refine((s) => !Number.isNaN(Date.parse(s.slice(0, 10))), 'anchorDate must be a real date')
    .optional(),
  psus: z.array(z.string().min(1).max(35)).min(1).default(['alice', 'bob', 'carol']),
  accountsPerPsu: z.number().int().min(1).max(20).default(2),
  transactionsPerAccount: z.number().int().min(0).max(200_000).default(1500),
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  latencyMs: z.number().int().min(0).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  pageSize: z.number().int().min(1).max(10_000).default(100),
  accessTokenTtlSeconds: z.number().int().min(1).default(3600),
  stateDir: z.string().min(1).optional(),
});

export type ResolvedOptions = Omit<z.infer<typeof optionsSchema>, 'anchorDate'> & {
  anchorDate: string;
  now: () => number;
};

/** Validates everything at once and fills the documented defaults. */
export function resolveOptions(input: SandboxBankOptions): ResolvedOptions {
  const { now: clock, ...rest } = input;
  const parsed = optionsSchema.parse(rest);
  const now = clock ?? Date.now;
  if (new Set(parsed.psus).size !== parsed.psus.length) throw new Error('psus must be unique');
  // The id names the bank's directory under stateDir: no separators, no '..'.
  if (parsed.stateDir !== undefined && !/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(parsed.id)) {
    throw new Error('id must be letters, digits, ".", "_" or "-" when stateDir is set');
  }
  const anchorDate = (parsed.anchorDate ?? new Date(now()).toISOString()).slice(0, 10);
  return { ...parsed, anchorDate, now };
}
