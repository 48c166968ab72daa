import { describe, expect, it } from 'vitest';
import { isSecretKey, redactArguments, redacted } from '../../src/shared/audit/redact.ts';

describe('audit argument redaction', () => {
  it('redacts secrets by key, in any casing or separator style, at any depth', () => {
    const json = redactArguments({
      password: 'hunter2',
      clientSecret: 's3cr3t',
      access_token: 'abc',
      refreshtoken: 'def',
      code: '123456',
      authCode: 'xyz',
      'x-api-key': 'k',
      input: { pin: '0000', nested: { privateKey: 'pem', cvv: '123' }, amount: '10.00' },
      list: [{ otp: '99' }, { id: 'acc_1' }],
    });
    expect(JSON.parse(json!)).toEqual({
      password: redacted,
      clientSecret: redacted,
      access_token: redacted,
      refreshtoken: redacted,
      code: redacted,
      authCode: redacted,
      'x-api-key': 'k',
      input: { pin: redacted, nested: { privateKey: redacted, cvv: redacted }, amount: '10.00' },
      list: [{ otp: redacted }, { id: 'acc_1' }],
    });
    expect(json).not.toMatch(/hunter2|s3cr3t|123456|0000|pem/);
  });

  it('keeps ids, enums and dates that identify what was accessed', () => {
    expect(
      redactArguments({
        id: 'cns_1',
        status: 'Authorised',
        from: new Date('2026-01-01T00:00:00Z'),
      }),
    ).toBe('{"from":"2026-01-01T00:00:00.000Z","id":"cns_1","status":"Authorised"}');
  });

  it('logs account ids but not account identifiers (IBANs, account numbers, sort codes)', () => {
    const args = {
      input: {
        debtorAccountId: 'acc_1',
        creditorAccount: { scheme: 'IBAN', identification: 'DE89370400440532013000' },
        debtorAccount: {
          iban: 'GB33BUKB20201555555555',
          accountNumber: '55555555',
          sortCode: '202015',
        },
        amount: '10.00',
      },
    };
    const json = redactArguments(args)!;
    expect(JSON.parse(json)).toEqual({
      input: {
        debtorAccountId: 'acc_1',
        creditorAccount: { scheme: 'IBAN', identification: redacted },
        debtorAccount: { iban: redacted, accountNumber: redacted, sortCode: redacted },
        amount: '10.00',
      },
    });
    expect(json).not.toMatch(/DE89|GB33|55555555|202015/);
  });

  it('redacts a value that looks like a JWT whatever its key', () => {
    const jwt = `eyJhbGciOiJFUzI1NiJ9.${'a'.repeat(40)}.${'b'.repeat(40)}`;
    expect(JSON.parse(redactArguments({ note: jwt })!)).toEqual({ note: redacted });
  });

  it('bounds strings, lists and the whole record', () => {
    const json = redactArguments({
      s: 'x'.repeat(1000),
      ids: Array.from({ length: 80 }, (_, i) => i),
    });
    const parsed = JSON.parse(json!) as { s: string; ids: unknown[] };
    expect(parsed.s).toMatch(/^x{200}…\[\+800 chars\]$/);
    expect(parsed.ids).toHaveLength(51);
    expect(parsed.ids.at(-1)).toBe('…[+30 items]');
    const huge = redactArguments(
      Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'.repeat(150)])),
    );
    expect(huge!.length).toBeLessThanOrEqual(2048);
    expect(JSON.parse(huge!)).toHaveProperty('truncated');
  });

  it('records no arguments as null', () => {
    expect(redactArguments({})).toBeNull();
    expect(redactArguments(undefined)).toBeNull();
  });

  it('errs wide on key names (over-redaction loses a value, never leaks one)', () => {
    expect(isSecretKey('currencyCode')).toBe(true);
    expect(isSecretKey('accountId')).toBe(false);
    expect(isSecretKey('shippingAddress')).toBe(false);
  });
});
