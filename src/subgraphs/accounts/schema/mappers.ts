import type { BankDefinition } from '../../../shared/banks.ts';
import type { ConnectionRow } from '../services/connection.service.ts';
import { Bank, BankConnection } from './bank.type.ts';

export const toBank = (d: BankDefinition): Bank =>
  Object.assign(new Bank(), { id: d.id, name: d.name, standard: d.standard, sandbox: d.sandbox });

export const toConnection = (r: ConnectionRow): BankConnection =>
  Object.assign(new BankConnection(), {
    id: r.id,
    bankId: r.bankId,
    status: r.status,
    createdAt: r.createdAt,
    sessionExpiresAt: r.sessionExpiresAt,
    consentExpiresAt: r.consentExpiresAt,
  });
