import { isRecord } from '../http.js';
import type { ApprovalSubject } from '../login/pages.js';
import { formatDateTime } from '../data/format.js';
import { isExpired, type ObieContext } from './context.js';

/** What the approval page shows for a consent still awaiting the PSU. */
export function describeConsent(ctx: ObieContext, id: string): ApprovalSubject | undefined {
  const access = ctx.accessConsents.get(id);
  if (access) {
    if (access.state !== 'awaiting' || isExpired(ctx, access)) return undefined;
    const rows: Array<[string, string]> = [['Permissions', access.permissions.join(', ')]];
    if (access.expiresAt !== undefined) rows.push(['Until', formatDateTime(access.expiresAt)]);
    return { kind: 'account-access', rows, chooseAccounts: true };
  }
  const payment = ctx.paymentConsents.get(id);
  if (!payment || payment.state !== 'awaiting') return undefined;
  const { InstructedAmount: amount, CreditorAccount: creditor } = payment.initiation;
  const rows: Array<[string, string]> = [];
  if (isRecord(amount))
    rows.push(['Amount', `${String(amount.Amount)} ${String(amount.Currency)}`]);
  if (isRecord(creditor)) {
    rows.push(['To', `${String(creditor.Name ?? '')} ${String(creditor.Identification)}`.trim()]);
  }
  const reference = payment.initiation.RemittanceInformation;
  if (isRecord(reference) && typeof reference.Reference === 'string') {
    rows.push(['Reference', reference.Reference]);
  }
  return { kind: 'payment', rows, chooseAccounts: false };
}
