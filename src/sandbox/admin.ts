import type { SandboxBankData } from './data/bank.js';
import type { CallLog } from './calls.js';
import { faultsSchema, type FaultController } from './faults.js';
import { Router, parseJsonBody } from './http.js';
import { adminError, type StandardApi } from './standard.js';

export interface AdminParts {
  info: Record<string, unknown>;
  data: SandboxBankData;
  faults: FaultController;
  calls: CallLog;
  api: StandardApi;
}

/**
 * /__sandbox/: control for out-of-process tests and benchmarks, and the bank's "login
 * page". Never counted, never faulted.
 */
export function adminRouter(parts: AdminParts): Router {
  const { data, faults, calls, api } = parts;
  return new Router()
    .add('GET', '/__sandbox/info', () => ({ status: 200, body: parts.info }))
    .add('GET', '/__sandbox/faults', () => ({ status: 200, body: faults.current() }))
    .add('POST', '/__sandbox/faults', (req) => {
      const parsed = parseJsonBody(req);
      if (!parsed.ok) return adminError(400, parsed.message);
      const result = faultsSchema.safeParse(parsed.value);
      if (!result.success) return adminError(400, result.error.message);
      faults.set(result.data);
      return { status: 200, body: faults.current() };
    })
    .add('DELETE', '/__sandbox/faults', () => {
      faults.reset();
      return { status: 200, body: faults.current() };
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
