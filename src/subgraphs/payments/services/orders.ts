import { createHash } from 'node:crypto';
import type { PaymentOrderForBank } from '../connectors/connector.ts';
import type { PaymentConsentRow } from '../db/client.ts';
import type { AccountIdentification, AccountScheme } from './identifiers.ts';
import type { Keyring } from './keyring.ts';

/** The sealed box's context: a box copied onto another row does not open. */
export const debtorBox = (consentId: string) => `debtor:${consentId}`;
export const sessionBox = (consentId: string) => `session:${consentId}`;

/** What the bank is asked to pay, rebuilt the same way every time from the stored consent. */
export function orderForBank(row: PaymentConsentRow, keys: Keyring): PaymentOrderForBank {
  const debtor = row.debtorSealed
    ? keys.unseal<AccountIdentification>(row.debtorSealed, debtorBox(row.id))
    : undefined;
  return {
    instructionId: row.id,
    amount: row.amount,
    currency: row.currency,
    creditorName: row.creditorName,
    creditor: { scheme: row.creditorScheme as AccountScheme, identification: row.creditorAccount },
    reference: row.reference,
    ...(debtor ? { debtor } : {}),
  };
}

/**
 * The x-idempotency-key we send the bank, derived from our own resource id: a retry of the
 * same step, in this request or a later one, repeats the same key and the bank answers with
 * what it did the first time instead of doing it twice. At most 40 characters (OBIE).
 */
export function bankIdempotencyKey(resourceId: string, step: 'consent' | 'payment'): string {
  return createHash('sha256').update(`${step}:${resourceId}`).digest('base64url').slice(0, 40);
}
