import { isRecord } from '../http.js';
import type { ApprovalSubject } from '../login/pages.js';
import type { BgContext } from './context.js';

/** What the approval page shows for a consent or payment still awaiting the PSU. */
export function describeBg(ctx: BgContext, id: string): ApprovalSubject | undefined {
  const consent = ctx.consents.get(id);
  if (consent) {
    if (consent.status !== 'received') return undefined;
    return {
      kind: 'account-access',
      rows: [
        ['Access', 'Account details, balances and transactions'],
        ['Valid until', consent.validUntil],
        ['Reads per day without you', String(consent.frequencyPerDay)],
      ],
      chooseAccounts: true,
    };
  }
  const payment = ctx.payments.get(id);
  if (!payment || payment.authorised) return undefined;
  const { instructedAmount: amount, creditorName, creditorAccount } = payment.request;
  const rows: Array<[string, string]> = [];
  if (isRecord(amount))
    rows.push(['Amount', `${String(amount.amount)} ${String(amount.currency)}`]);
  const iban = isRecord(creditorAccount) ? String(creditorAccount.iban) : '';
  rows.push(['To', `${typeof creditorName === 'string' ? creditorName : ''} ${iban}`.trim()]);
  const debtor = ctx.data.account(payment.debtorAccountId);
  if (debtor) rows.push(['From', debtor.iban]);
  return { kind: 'payment', rows, chooseAccounts: false };
}
