import { describe, expect, it } from 'vitest';
import { allPermissions } from '../../src/shared/auth/permissions.ts';
import {
  ConsentStatus,
  assertTransition,
  canTransition,
  validatePermissions,
  validateWindow,
} from '../../src/subgraphs/consent/services/consent-rules.ts';

const statuses = Object.values(ConsentStatus);
const allowed = new Set([
  'AwaitingAuthorisation→Authorised',
  'AwaitingAuthorisation→Rejected',
  'Authorised→Revoked',
  'Authorised→Expired',
]);

describe('consent status transitions', () => {
  for (const from of statuses) {
    for (const to of statuses) {
      const ok = allowed.has(`${from}→${to}`);
      it(`${from} → ${to} is ${ok ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(ok);
        if (ok) expect(() => assertTransition(from, to)).not.toThrow();
        else
          expect(() => assertTransition(from, to)).toThrow(
            expect.objectContaining({ code: 'CONFLICT' }),
          );
      });
    }
  }
});

describe('permission sets (OBIE rules)', () => {
  const all = allPermissions;
  const code = (f: () => unknown) => {
    try {
      f();
      return 'ok';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };

  it('accepts a valid set and de-duplicates it', () => {
    expect(validatePermissions(['ReadBalances', 'ReadAccountsBasic', 'ReadBalances'], all)).toEqual(
      ['ReadAccountsBasic', 'ReadBalances'],
    );
  });
  it('needs ReadAccountsBasic or ReadAccountsDetail for data access', () => {
    expect(code(() => validatePermissions(['ReadBalances'], all))).toBe('BAD_USER_INPUT');
  });
  it('needs a direction with transaction permissions, and the reverse', () => {
    expect(
      code(() => validatePermissions(['ReadAccountsBasic', 'ReadTransactionsBasic'], all)),
    ).toBe('BAD_USER_INPUT');
    expect(
      code(() => validatePermissions(['ReadAccountsBasic', 'ReadTransactionsCredits'], all)),
    ).toBe('BAD_USER_INPUT');
    expect(
      code(() =>
        validatePermissions(
          ['ReadAccountsBasic', 'ReadTransactionsDetail', 'ReadTransactionsDebits'],
          all,
        ),
      ),
    ).toBe('ok');
  });
  it('refuses unknown permissions, empty sets, and permissions the client may not ask for', () => {
    expect(code(() => validatePermissions(['ReadEverything'], all))).toBe('BAD_USER_INPUT');
    expect(code(() => validatePermissions([], all))).toBe('BAD_USER_INPUT');
    expect(code(() => validatePermissions(['ReadAccountsDetail'], ['ReadAccountsBasic']))).toBe(
      'BAD_USER_INPUT',
    );
  });
  it('allows payment permissions on their own', () => {
    expect(validatePermissions(['InitiatePayments'], all)).toEqual(['InitiatePayments']);
  });
  it('checks the transaction window and expiry', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(
      code(() =>
        validateWindow(
          {
            transactionFromDate: new Date('2026-02-01'),
            transactionToDate: new Date('2026-01-01'),
          },
          now,
        ),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(code(() => validateWindow({ expiresAt: new Date('2025-12-31') }, now))).toBe(
      'BAD_USER_INPUT',
    );
    expect(code(() => validateWindow({ expiresAt: new Date('2026-06-01') }, now))).toBe('ok');
  });
});
