import { badInput, forbidden } from '../../../shared/errors/index.ts';
import type { AccountOnFile } from '../../../shared/internal-api/accounts.ts';
import type { Caller } from './caller.ts';
import { compact, type AccountIdentification } from './identifiers.ts';
import type { PaymentOrder } from './input.ts';

/**
 * The identifications of a PSU's accounts: the accounts service's answer, since payments
 * does not own accounts. Throws UPSTREAM_UNAVAILABLE when it cannot answer.
 */
export interface AccountIdentifications {
  identifications(psuId: string, accountIds: readonly string[]): Promise<AccountOnFile[]>;
}

const notShared = (field: string) =>
  forbidden(`${field} is not one of the accounts the PSU shared under this consent`);

/**
 * Every way a client names the account to pay from must name one of the consent's accounts:
 * the Account id, and the identification the bank is sent (OBIE DebtorAccount, Berlin Group
 * debtorAccount). An identification is matched against the consent's accounts at the
 * order's bank; when both are given they must be the same account. FORBIDDEN, as for an id
 * outside the consent, so the answer does not say whether the account exists elsewhere.
 */
export async function checkDebtor(
  order: PaymentOrder,
  caller: Caller,
  accounts: AccountIdentifications,
): Promise<void> {
  if (order.debtorAccountId !== undefined && !caller.accountIds.includes(order.debtorAccountId)) {
    throw notShared('debtorAccountId');
  }
  const named = order.debtorAccount;
  if (!named) return;
  const onFile =
    caller.accountIds.length > 0
      ? await accounts.identifications(caller.psuId, caller.accountIds)
      : [];
  const match = onFile.find(
    (a) =>
      a.bankId === order.bank.id &&
      caller.accountIds.includes(a.id) &&
      a.identification !== null &&
      sameAccount(a.identification, named),
  );
  if (!match) throw notShared('debtorAccount');
  if (order.debtorAccountId !== undefined && order.debtorAccountId !== match.id) {
    throw badInput('debtorAccountId and debtorAccount name two different accounts', {
      field: 'debtorAccount',
    });
  }
}

/**
 * Whether a bank's identification and a client's name one account. A UK IBAN holds the
 * sort code and account number (GBkk BANK SSSSSS AAAAAAAA), so either form names it.
 */
export function sameAccount(
  onFile: { scheme: string; identification: string },
  named: AccountIdentification,
): boolean {
  const held = { scheme: onFile.scheme, identification: compact(onFile.identification) };
  if (held.scheme === named.scheme) return held.identification === named.identification;
  const ukDomestic = (id: { scheme: string; identification: string }) =>
    id.scheme === 'SortCodeAccountNumber'
      ? id.identification
      : id.scheme === 'IBAN' && /^GB\d{2}[A-Z]{4}\d{14}$/.test(id.identification)
        ? id.identification.slice(8)
        : undefined;
  const a = ukDomestic(held);
  return a !== undefined && a === ukDomestic(named);
}
