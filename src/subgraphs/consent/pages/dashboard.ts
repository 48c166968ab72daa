import { permissionText } from './consent.ts';
import { esc, page, when } from './layout.ts';
import { linkBankForm, type LinkableBankView } from './link-bank.ts';

export interface ConsentCard {
  id: string;
  clientName: string;
  status: string;
  permissions: string[];
  accounts: string[];
  grantedAt: Date | null;
  expiresAt: Date | null;
  /** undefined: not known here (no audit store); null: never used. */
  lastUsedAt: Date | null | undefined;
  endedAt: Date | null;
}

export interface BankCard {
  id: string;
  bankName: string;
  status: string;
  createdAt: Date;
  consentExpiresAt: Date | null;
  accounts: string[];
}

export interface DashboardView {
  psuName: string;
  csrf: string;
  consents: ConsentCard[];
  banks: BankCard[] | null;
  /** Banks that can be linked; null when the accounts service did not say. */
  linkable: LinkableBankView[] | null;
  notice?: string;
  error?: string;
}

const list = (items: string[], none: string) =>
  items.length ? `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>` : esc(none);

function consentCard(c: ConsentCard, csrf: string): string {
  const used =
    c.lastUsedAt === undefined ? 'Not known' : c.lastUsedAt ? when(c.lastUsedAt) : 'Not yet';
  return `<section class="card" aria-labelledby="c-${esc(c.id)}">
<h3 id="c-${esc(c.id)}">${esc(c.clientName)}</h3>
<dl class="terms">
<dt>Can see</dt><dd>${list(
    c.permissions.map((p) => permissionText[p] ?? p),
    'Nothing',
  )}</dd>
<dt>Accounts</dt><dd>${list(c.accounts, 'None')}</dd>
<dt>Allowed on</dt><dd>${esc(when(c.grantedAt))}</dd>
<dt>Access ends</dt><dd>${esc(c.expiresAt ? when(c.expiresAt) : 'When you withdraw it')}</dd>
<dt>Last used</dt><dd>${esc(used)}</dd>
</dl>
<form method="post" action="/account/access/consents/revoke">
<input type="hidden" name="csrf" value="${esc(csrf)}">
<input type="hidden" name="consent" value="${esc(c.id)}">
<div class="actions"><button type="submit" class="danger">Withdraw access for ${esc(c.clientName)}</button></div>
</form>
</section>`;
}

function bankCard(b: BankCard, csrf: string): string {
  const active = b.status !== 'Disconnected';
  return `<section class="card" aria-labelledby="b-${esc(b.id)}">
<h3 id="b-${esc(b.id)}">${esc(b.bankName)}</h3>
<dl class="terms">
<dt>Status</dt><dd>${esc(b.status)}</dd>
<dt>Linked on</dt><dd>${esc(when(b.createdAt))}</dd>
<dt>Bank access ends</dt><dd>${esc(when(b.consentExpiresAt, 'Not recorded'))}</dd>
<dt>Accounts</dt><dd>${list(b.accounts, 'None')}</dd>
</dl>
${
  active
    ? `<form method="post" action="/account/access/banks/disconnect">
<input type="hidden" name="csrf" value="${esc(csrf)}">
<input type="hidden" name="connection" value="${esc(b.id)}">
<div class="actions"><button type="submit" class="danger">Unlink ${esc(b.bankName)}</button></div>
</form>`
    : ''
}
</section>`;
}

/**
 * The PSU's access dashboard (UK Open Banking's "access dashboard"): every app they let see
 * their data and every bank they linked, each ended with one button.
 */
export function dashboardPage(v: DashboardView): string {
  const active = v.consents.filter((c) => c.status === 'Authorised');
  const ended = v.consents.filter((c) => c.status !== 'Authorised');
  const banks =
    v.banks === null
      ? '<p class="error" role="alert">Your bank links cannot be shown right now. Try again in a minute.</p>'
      : v.banks.length
        ? v.banks.map((b) => bankCard(b, v.csrf)).join('\n')
        : '<p>You have not linked a bank.</p>';
  const history = ended.length
    ? `<table><caption class="muted">Access that has ended</caption>
<thead><tr><th scope="col">App</th><th scope="col">Status</th><th scope="col">Ended</th></tr></thead>
<tbody>${ended
        .map(
          (c) =>
            `<tr><td>${esc(c.clientName)}</td><td>${esc(c.status)}</td><td>${esc(when(c.endedAt))}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return page(
    'Your data access',
    `<div class="topline"><h1>Your data access</h1>
<form method="post" action="/account/signout"><input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit" class="secondary">Sign out</button></form></div>
<p class="lead">Signed in as ${esc(v.psuName)}. Withdrawing access stops the app at its next request.</p>
${v.notice ? `<p class="notice" role="status">${esc(v.notice)}</p>` : ''}
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
<h2>Apps that can see your data</h2>
${active.length ? active.map((c) => consentCard(c, v.csrf)).join('\n') : '<p>No app can see your data.</p>'}
${history}
<h2>Banks you have linked</h2>
${banks}
<section aria-labelledby="link-bank">
<h2 id="link-bank">Link a bank</h2>
${
  v.linkable === null
    ? '<p class="error" role="alert">The banks you can link cannot be shown right now. Try again in a minute.</p>'
    : linkBankForm({
        action: '/account/access/banks/link',
        csrf: v.csrf,
        banks: v.linkable,
        legend: 'Choose your bank',
        button: 'Continue to your bank',
      })
}
<p class="muted">Linking a bank you have already linked replaces that link.</p>
</section>`,
    { wide: true },
  );
}

/** Between the bank's callback and the dashboard (see `linked` in account-pages.ts). */
export function backFromBankPage(next: string): string {
  return page(
    'Back from your bank',
    `<h1>Back from your bank</h1>
<p role="status">Your bank has sent you back to Ledgergraph.</p>
<p><a href="${esc(next)}">Go to your data access page</a></p>`,
  );
}
