import { resolve } from 'node:path';
import { applyMigrations, createAdapter, providerOf } from '../../../shared/db/index.ts';
import { PrismaClient } from '../../../generated/payments/sqlite/client.ts';
import { PrismaClient as PostgresClient } from '../../../generated/payments/postgresql/client.ts';

/**
 * The only module that touches the payments store's Prisma client. Both generated clients
 * expose the same API; the SQLite one's type stands for both.
 */
export type PaymentsDb = PrismaClient;

export type {
  DomesticPayment as PaymentRow,
  DomesticPaymentConsent as PaymentConsentRow,
  PaymentStatusChange as PaymentStatusChangeRow,
} from '../../../generated/payments/sqlite/client.ts';

export function openPaymentsDb(url: string): PaymentsDb {
  const adapter = createAdapter(url);
  return providerOf(url) === 'sqlite'
    ? new PrismaClient({ adapter })
    : (new PostgresClient({ adapter }) as unknown as PaymentsDb);
}

export const paymentsStoreDir = resolve(import.meta.dirname, '../../../../prisma/payments');

export function migratePaymentsDb(url: string): Promise<string[]> {
  return applyMigrations(url, paymentsStoreDir);
}
