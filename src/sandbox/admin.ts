import type { SandboxBankData } from './data/bank.js';
import type { CallLog } from './calls.js';
import { z } from 'zod';
import { faultsSchema, type FaultController } from './faults.js';
import { Router, parseJsonBody } from './http.js';
import { adminError, type StandardApi } from './standard.js';

export interface AdminParts {
  info: Record<string, unknown>;
  data: SandboxBankData;
  faults: FaultController;
  /** Replaces the faults, also the ones the data serves (dropBooked). */
  setFaults: (f: z.infer<typeof faultsSchema>) => void;
  resetFaults: () => void;
  calls: CallLog;
  api: StandardApi;
}

const settlementSchema = z.object({ tipPercent: z.number().min(0).max(100).default(10) }).strict();

/**
 * /__sandbox/: control for out-of-process tests and benchmarks, and the bank's "login
 * page". Never counted, never faulted.
 */
export function adminRouter(parts: AdminParts): Router {
  const { data, faults, calls, api, setFaults, resetFaults } = parts;
  return new Router()
    .add('GET', '/__sandbox/info', () => ({ status: 200, body: parts.info }))
    .add('GET', '/__sandbox/faults', () => ({ status: 200, body: faults.current() }))
    .add('POST', '/__sandbox/faults', (req) => {
      const parsed = parseJsonBody(req);
      if (!parsed.ok) return adminError(400, parsed.message);
      const result = faultsSchema.safeParse(parsed.value);
      if (!result.success) return adminError(400, result.error.message);
      setFaults(result.data);
      return { status: 200, body: faults.current() };
    })
    .add('DELETE', '/__sandbox/faults', () => {
      resetFaults();
      return { status: 200, body: faults.current() };
    })
    .add('GET', '/__sandbox/settlement', () => ({
      status: 200,
      body: data.currentEvents().settled ?? null,
    }))
    .add('POST', '/__sandbox/settlement', (req) => {
      const parsed = parseJsonBody(req);
      if (!parsed.ok) return adminError(400, parsed.message);
      const result = settlementSchema.safeParse(parsed.value ?? {});
      if (!result.success) return adminError(400, result.error.message);
      data.setEvents({ ...data.currentEvents(), settled: { tipPercent: result.data.tipPercent } });
      return { status: 200, body: data.currentEvents().settled };
    })
    .add('DELETE', '/__sandbox/settlement', () => {
      const { settled: _settled, ...rest } = data.currentEvents();
      data.setEvents(rest);
      return { status: 200, body: null };
    })
    .add('GET', '/__sandbox/calls', (req) => {
      const pathPrefix = req.query.get('pathPrefix') ?? undefined;
      const method = req.query.get('method') ?? undefined;
      const count = calls.count({ pathPrefix, method });
      return { status: 200, body: { count, traceparents: calls.traceparents } };
    })
    .add('DELETE', '/__sandbox/calls', () => {
      calls.reset();
      return { status: 200, body: { count: 0 } };
    })
    .add('GET', '/__sandbox/psus', () => ({
      status: 200,
      body: data.psus.map((psu) => ({
        username: psu.username,
        displayName: psu.displayName,
        accounts: data.accountsOf(psu.username).map((a) => ({
          accountId: a.accountId,
          product: a.product,
          currency: a.currency,
          iban: a.iban,
          bic: a.bic,
          ...(a.sortCode ? { sortCode: a.sortCode, accountNumber: a.accountNumber } : {}),
        })),
      })),
    }))
    .add('POST', '/__sandbox/authorise', (req) => {
      const parsed = parseJsonBody(req);
      if (!parsed.ok) return adminError(400, parsed.message);
      return api.authorise(parsed.value);
    });
}
