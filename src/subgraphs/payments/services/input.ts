import type { BankDefinition } from '../../../shared/banks.ts';
import { badInput } from '../../../shared/errors/index.ts';
import {
  compact,
  identificationProblem,
  type AccountIdentification,
  type AccountScheme,
} from './identifiers.ts';
import { fromScaled, isKnownCurrency, minorUnits, toScaled } from './money.ts';

/** What a client asks to pay, as it arrives from GraphQL. */
export interface PaymentOrderInput {
  bankId: string;
  amount: string;
  currency: string;
  creditorName: string;
  creditorAccount: { scheme: AccountScheme; identification: string };
  reference: string;
  debtorAccountId?: string | null;
  debtorAccount?: { scheme: AccountScheme; identification: string } | null;
}

/** A checked order: amount in the currency's canonical form, identifications compacted. */
export interface PaymentOrder {
  bank: BankDefinition;
  amount: string;
  currency: string;
  creditorName: string;
  creditor: AccountIdentification;
  reference: string;
  debtorAccountId?: string;
  debtorAccount?: AccountIdentification;
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 40;

/** OBIE x-idempotency-key: 1 to 40 characters, no surrounding spaces. */
export function checkIdempotencyKey(key: string): string {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw badInput(
      `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (got ${key.length})`,
      { field: 'idempotencyKey' },
    );
  }
  if (key.trim() !== key || !/^[\x20-\x7E]+$/.test(key)) {
    throw badInput('idempotencyKey must be printable ASCII without leading or trailing spaces', {
      field: 'idempotencyKey',
    });
  }
  return key;
}

const printable = /^[^\p{Cc}\p{Cf}]+$/u;

/** Every problem is BAD_USER_INPUT naming the field, so a client can point at it. */
export function parsePaymentOrder(
  input: PaymentOrderInput,
  banks: ReadonlyMap<string, BankDefinition>,
): PaymentOrder {
  const bank = banks.get(input.bankId);
  if (!bank) throw badInput(`Unknown bank ${input.bankId}`, { field: 'bankId' });
  const currency = parseCurrency(input.currency);
  const amount = parseAmount(input.amount, currency);
  const creditorName = text(input.creditorName, 'creditorName', 70);
  const reference = text(input.reference, 'reference', 35);
  const creditor = identification(input.creditorAccount, 'creditorAccount');
  const debtorAccount = input.debtorAccount
    ? identification(input.debtorAccount, 'debtorAccount')
    : undefined;
  const debtorAccountId = input.debtorAccountId ?? undefined;
  if (debtorAccountId !== undefined && !/^[\x21-\x7E]{1,100}$/.test(debtorAccountId)) {
    throw badInput('debtorAccountId is not an Account id', { field: 'debtorAccountId' });
  }
  if (bank.standard === 'berlin-group') {
    // SEPA credit transfers are euro payments between IBANs, and Berlin Group banks need
    // the debtor's IBAN up front: there is no step where the PSU picks an account.
    if (currency !== 'EUR') {
      throw badInput(`${bank.id} makes SEPA credit transfers, which are in EUR`, {
        field: 'currency',
      });
    }
    if (creditor.scheme !== 'IBAN') {
      throw badInput('SEPA credit transfers pay an IBAN', { field: 'creditorAccount.scheme' });
    }
    if (debtorAccount?.scheme !== 'IBAN') {
      throw badInput(`${bank.id} needs debtorAccount with the IBAN to pay from`, {
        field: 'debtorAccount',
      });
    }
  }
  return {
    bank,
    amount,
    currency,
    creditorName,
    creditor,
    reference,
    ...(debtorAccountId !== undefined ? { debtorAccountId } : {}),
    ...(debtorAccount ? { debtorAccount } : {}),
  };
}

function parseCurrency(raw: string): string {
  if (!/^[A-Z]{3}$/.test(raw) || !isKnownCurrency(raw)) {
    throw badInput(`currency must be an ISO 4217 code such as GBP or EUR; "${raw}" is not one`, {
      field: 'currency',
    });
  }
  return raw;
}

/** "10", "10.5" and "10.50" are the same GBP amount; the canonical form is "10.50". */
function parseAmount(raw: string, currency: string): string {
  const field = { field: 'amount' };
  if (/^\s*-/.test(raw)) throw badInput('amount must be positive', field);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(raw);
  if (!match) {
    throw badInput(
      `amount must be a decimal string such as "10.50" (digits, one optional point); got "${raw}"`,
      field,
    );
  }
  const [, whole = '', fraction = ''] = match;
  const decimals = minorUnits(currency);
  if (fraction.length > decimals) {
    throw badInput(
      `amount has ${fraction.length} decimal places; ${currency} allows at most ${decimals}`,
      field,
    );
  }
  if (whole.replace(/^0+(?=\d)/, '').length > 13) throw badInput('amount is too large', field);
  const scaled = toScaled(`${whole.replace(/^0+(?=\d)/, '')}${fraction ? `.${fraction}` : ''}`);
  if (scaled === 0n) throw badInput('amount must be greater than zero', field);
  return fromScaled(scaled, decimals);
}

function text(raw: string, field: string, max: number): string {
  const value = raw.trim();
  if (value.length === 0 || value.length > max || !printable.test(value)) {
    throw badInput(`${field} must be 1 to ${max} printable characters`, { field });
  }
  return value;
}

function identification(
  raw: { scheme: AccountScheme; identification: string },
  field: string,
): AccountIdentification {
  const id = { scheme: raw.scheme, identification: compact(raw.identification) };
  const problem = identificationProblem(id);
  if (problem) throw badInput(`${field}.identification: ${problem}`, { field });
  return id;
}
