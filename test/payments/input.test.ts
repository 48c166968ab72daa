import { describe, expect, it } from 'vitest';
import type { BankDefinition } from '../../src/shared/banks.ts';
import { AppError } from '../../src/shared/errors/index.ts';
import { isValidIban } from '../../src/subgraphs/payments/services/identifiers.ts';
import {
  checkIdempotencyKey,
  parsePaymentOrder,
  type PaymentOrderInput,
} from '../../src/subgraphs/payments/services/input.ts';
import { fromScaled, median, toScaled } from '../../src/subgraphs/payments/services/money.ts';
import {
  consentStatusOf,
  paymentStatusOf,
} from '../../src/subgraphs/payments/connectors/status.ts';
import { iban } from './support.ts';

const bank = (id: string, standard: 'obie' | 'berlin-group'): BankDefinition => ({
  id,
  name: id,
  standard,
  baseUrl: 'http://bank.test',
  clientId: 'c',
  clientSecret: 's',
  sandbox: true,
  country: 'GB',
});
const banks = new Map([
  ['uk', bank('uk', 'obie')],
  ['de', bank('de', 'berlin-group')],
]);

const order = (overrides: Partial<PaymentOrderInput> = {}): PaymentOrderInput => ({
  bankId: 'uk',
  amount: '10.50',
  currency: 'GBP',
  creditorName: 'Corner Bakery',
  creditorAccount: { scheme: 'SortCodeAccountNumber', identification: '20-15-00 12345678' },
  reference: 'Cakes',
  ...overrides,
});

function refusal(fn: () => unknown): { code: string; message: string; field: unknown } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    const error = e as AppError;
    return { code: error.code, message: error.message, field: error.details['field'] };
  }
  throw new Error('expected a refusal');
}

describe('money is decimal strings compared as integers', () => {
  it('scales, sums and formats without floats', () => {
    expect(toScaled('0.1') + toScaled('0.2')).toBe(toScaled('0.3'));
    expect(toScaled('100')).toBe(toScaled('100.00'));
    expect(fromScaled(toScaled('7.5'), 2)).toBe('7.50');
    expect(fromScaled(toScaled('1234'), 0)).toBe('1234');
    expect(median(['5', '1', '100'].map(toScaled))).toBe(toScaled('5'));
    expect(() => toScaled('-1')).toThrow();
  });
});

describe('payment order input', () => {
  it('accepts a good order and puts amount and identifications in canonical form', () => {
    const parsed = parsePaymentOrder(order({ amount: '10.5' }), banks);
    expect(parsed.amount).toBe('10.50');
    expect(parsed.creditor).toEqual({
      scheme: 'SortCodeAccountNumber',
      identification: '20150012345678',
    });
    expect(parsePaymentOrder(order({ amount: '0007' }), banks).amount).toBe('7.00');
    expect(parsePaymentOrder(order({ amount: '500', currency: 'JPY' }), banks).amount).toBe('500');
  });

  it.each([
    ['-5.00', /must be positive/],
    ['abc', /decimal string/],
    ['12,50', /decimal string/],
    ['1e3', /decimal string/],
    [' 10.00', /decimal string/],
    ['10.', /decimal string/],
    ['1.234', /3 decimal places; GBP allows at most 2/],
    ['0.00', /greater than zero/],
    ['12345678901234', /too large/],
  ])('refuses amount %s with BAD_USER_INPUT and a clear message', (amount, message) => {
    const r = refusal(() => parsePaymentOrder(order({ amount }), banks));
    expect(r).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    expect(r.message).toMatch(message);
  });

  it('refuses decimals a currency does not have (JPY has none)', () => {
    const r = refusal(() => parsePaymentOrder(order({ amount: '1.5', currency: 'JPY' }), banks));
    expect(r.message).toMatch(/JPY allows at most 0/);
  });

  it.each(['XYZ', 'gbp', 'GB', 'POUND'])('refuses currency %s as not ISO 4217', (currency) => {
    const r = refusal(() => parsePaymentOrder(order({ currency }), banks));
    expect(r).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
    expect(r.message).toMatch(/ISO 4217/);
  });

  it('refuses bad creditor identifications, names and references', () => {
    expect(
      refusal(() =>
        parsePaymentOrder(
          order({ creditorAccount: { scheme: 'SortCodeAccountNumber', identification: '123' } }),
          banks,
        ),
      ).message,
    ).toMatch(/14 digits/);
    expect(
      refusal(() =>
        parsePaymentOrder(
          order({ creditorAccount: { scheme: 'IBAN', identification: 'GB00NWBK60161331926819' } }),
          banks,
        ),
      ).message,
    ).toMatch(/not a valid IBAN/);
    expect(refusal(() => parsePaymentOrder(order({ creditorName: ' ' }), banks)).field).toBe(
      'creditorName',
    );
    expect(
      refusal(() => parsePaymentOrder(order({ reference: 'x'.repeat(36) }), banks)).field,
    ).toBe('reference');
    expect(refusal(() => parsePaymentOrder(order({ bankId: 'nope' }), banks)).field).toBe('bankId');
  });

  it('asks Berlin Group (SEPA) orders for EUR, IBANs and the debtor IBAN', () => {
    const creditor = { scheme: 'IBAN' as const, identification: iban('DE', '370400440532013000') };
    const debtor = { scheme: 'IBAN' as const, identification: iban('DE', '500105175407324931') };
    const sepa = { bankId: 'de', currency: 'EUR', creditorAccount: creditor };
    expect(
      refusal(() => parsePaymentOrder(order({ ...sepa, currency: 'GBP' }), banks)).message,
    ).toMatch(/EUR/);
    expect(refusal(() => parsePaymentOrder(order(sepa), banks)).field).toBe('debtorAccount');
    expect(
      parsePaymentOrder(order({ ...sepa, debtorAccount: debtor }), banks).debtorAccount,
    ).toEqual(debtor);
  });
});

describe('idempotency keys', () => {
  it('accepts 1 to 40 characters and refuses more with BAD_USER_INPUT', () => {
    expect(checkIdempotencyKey('k'.repeat(40))).toHaveLength(40);
    const r = refusal(() => checkIdempotencyKey('k'.repeat(41)));
    expect(r).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    expect(r.message).toMatch(/1 to 40 characters \(got 41\)/);
    expect(refusal(() => checkIdempotencyKey('')).code).toBe('BAD_USER_INPUT');
    expect(refusal(() => checkIdempotencyKey(' padded ')).code).toBe('BAD_USER_INPUT');
  });
});

describe('IBAN check digits', () => {
  it('accepts valid IBANs and refuses a changed digit', () => {
    expect(isValidIban('GB29NWBK60161331926819')).toBe(true);
    expect(isValidIban('GB29NWBK60161331926818')).toBe(false);
    expect(isValidIban(iban('DE', '370400440532010000'))).toBe(true);
  });
});

describe('status vocabulary', () => {
  it('keeps v3.1 names and maps v4.0 / Berlin Group ISO codes onto them', () => {
    expect(paymentStatusOf('AcceptedSettlementCompleted')).toBe('AcceptedSettlementCompleted');
    expect(paymentStatusOf('PDNG')).toBe('Pending');
    expect(paymentStatusOf('RCVD')).toBe('Pending');
    expect(paymentStatusOf('ACTC')).toBe('Pending');
    expect(paymentStatusOf('ACSP')).toBe('AcceptedSettlementInProcess');
    expect(paymentStatusOf('ACFC')).toBe('AcceptedSettlementInProcess');
    expect(paymentStatusOf('ACSC')).toBe('AcceptedSettlementCompleted');
    expect(paymentStatusOf('ACCC')).toBe('AcceptedCreditSettlementCompleted');
    expect(paymentStatusOf('ACWP')).toBe('AcceptedWithoutPosting');
    expect(paymentStatusOf('RJCT')).toBe('Rejected');
    expect(paymentStatusOf('CANC')).toBe('Rejected');
    expect(paymentStatusOf('NOPE')).toBeUndefined();
    expect(consentStatusOf('AWAU')).toBe('AwaitingAuthorisation');
    expect(consentStatusOf('COND')).toBe('Consumed');
    expect(consentStatusOf('Authorised')).toBe('Authorised');
  });
});
