import { linkBankForm, type LinkableBankView } from './link-bank.ts';
import { esc, page } from './layout.ts';

/** Each OBIE permission as the PSU reads it. */
export const permissionText: Record<string, string> = {
  ReadAccountsBasic: 'The names, types and currencies of the accounts you choose',
  ReadAccountsDetail: 'The account numbers and sort codes of the accounts you choose',
  ReadBalances: 'The balances of the accounts you choose',
  ReadTransactionsBasic: 'Your transactions: amounts, dates and status',
  ReadTransactionsDetail: 'Your transactions in full: descriptions, payees and payers',
  ReadTransactionsCredits: 'Money coming into your accounts',
  ReadTransactionsDebits: 'Money going out of your accounts',
  InitiatePayments: 'Start payments from the accounts you choose (you confirm each one)',
  ReadPayments: 'The status of payments it started',
};

export interface AccountChoice {
  id: string;
  label: string;
  detail: string;
}

export interface ConsentView {
  action: string;
  csrf: string;
  clientName: string;
  psuName: string;
  permissions: string[];
  accounts: AccountChoice[];
  /** Linking a bank from here, back to this page afterwards (same CSRF token). */
  linkBank: { action: string; banks: LinkableBankView[] };
  transactionFrom: Date | null;
  transactionTo: Date | null;
  expiresAt: Date | null;
  error?: string;
  notice?: string;
}

const day = (d: Date) =>
  d.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** What the client app asks for, which accounts to share, and approve or deny. */
export function consentPage(v: ConsentView): string {
  const permissions = v.permissions
    .map((p) => `<li>${esc(permissionText[p] ?? p)}</li>`)
    .join('\n');
  const accounts = v.accounts.length
    ? v.accounts
        .map(
          (a, i) => `<label class="choice" for="acc-${i}">
<input type="checkbox" id="acc-${i}" name="account" value="${esc(a.id)}" checked>
<span>${esc(a.label)}<br><span class="muted">${esc(a.detail)}</span></span></label>`,
        )
        .join('\n')
    : '<p>You have no linked bank accounts to share yet. Link your bank below first: your bank sends you back to this page.</p>';
  const window =
    v.transactionFrom || v.transactionTo
      ? `${v.transactionFrom ? `from ${day(v.transactionFrom)}` : 'from the first one'} ${v.transactionTo ? `to ${day(v.transactionTo)}` : 'to today'}`
      : 'All that your bank keeps';
  const error = v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : '';
  const notice = v.notice ? `<p class="notice" role="status">${esc(v.notice)}</p>` : '';
  const link = v.linkBank.banks.length
    ? `<section class="aside" aria-labelledby="link-bank">
<h2 id="link-bank">${v.accounts.length ? 'Share an account at another bank?' : 'Link a bank'}</h2>
${linkBankForm({
  action: v.linkBank.action,
  csrf: v.csrf,
  banks: v.linkBank.banks,
  legend: 'Choose your bank',
  button: 'Link this bank',
  emphasis: v.accounts.length ? 'secondary' : 'primary',
})}
</section>`
    : '';
  return page(
    'Share your data',
    `<h1>Share your bank data with ${esc(v.clientName)}?</h1>
<p class="lead">Signed in as ${esc(v.psuName)}.</p>
${error}
${notice}
<form method="post" action="${esc(v.action)}">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<h2>${esc(v.clientName)} will be able to see</h2>
<ul class="permissions">
${permissions}
</ul>
<fieldset>
<legend>Accounts to share</legend>
${accounts}
</fieldset>
<dl class="terms">
<dt>Transactions</dt><dd>${esc(window)}</dd>
<dt>Access ends</dt><dd>${v.expiresAt ? esc(day(v.expiresAt)) : 'When you withdraw it'}</dd>
</dl>
<p class="muted">You can withdraw this access at any time from your Ledgergraph access dashboard.</p>
<div class="actions">
<button type="submit" name="decision" value="approve" class="primary"${v.accounts.length ? '' : ' disabled'}>Allow access</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>
${link}`,
  );
}
