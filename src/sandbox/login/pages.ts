import type { Reply } from '../http.js';

/** What the PSU is asked to approve, as the approval page shows it. */
export interface ApprovalSubject {
  kind: 'account-access' | 'payment';
  /** Label / value rows: permissions, amount, creditor, validity. */
  rows: Array<[string, string]>;
  /** Account access: the PSU picks which of their accounts the TPP may read. */
  chooseAccounts: boolean;
}

export interface PageAccount {
  accountId: string;
  label: string;
}

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * Server-rendered, no script: the form posts to the bank itself, and its redirect goes to
 * the TPP's registered redirect URI (form-action allows that origin, as Chromium checks
 * form-action on redirects too). Never framed: frame-ancestors 'none' and X-Frame-Options.
 */
export function htmlReply(status: number, html: string, redirectOrigin?: string): Reply {
  const formAction = ["'self'", ...(redirectOrigin ? [redirectOrigin] : [])].join(' ');
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    },
    body: html,
  };
}

function layout(bankName: string, title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} – ${escape(bankName)}</title>
<link rel="stylesheet" href="/login/assets/bank.css">
</head>
<body>
<header><p>${escape(bankName)}</p></header>
<main>
${content}
</main>
</body>
</html>`;
}

const errorBox = (message?: string): string =>
  message ? `<div class="error" role="alert" id="form-error">${escape(message)}</div>` : '';

export function loginPage(o: {
  bankName: string;
  action: string;
  formToken: string;
  clientName: string;
  error?: string;
  username?: string;
}): string {
  const described = o.error ? ' aria-describedby="form-error"' : '';
  return layout(
    o.bankName,
    'Log in',
    `<h1>Log in to ${escape(o.bankName)}</h1>
<p class="lead">${escape(o.clientName)} sent you here to ask for your approval. Log in with your online banking details; they are never shared with ${escape(o.clientName)}.</p>
${errorBox(o.error)}
<form method="post" action="${escape(o.action)}">
<input type="hidden" name="form_token" value="${escape(o.formToken)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${escape(o.username ?? '')}"${described}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${described}>
<p class="hint">Sandbox bank: a PSU's password is their username followed by <code>-bank</code>.</p>
<div class="actions"><button type="submit" class="primary">Log in</button></div>
</form>`,
  );
}

export function approvalPage(o: {
  bankName: string;
  action: string;
  formToken: string;
  clientName: string;
  psuName: string;
  subject: ApprovalSubject;
  accounts: PageAccount[];
  error?: string;
}): string {
  const what =
    o.subject.kind === 'payment' ? 'make this payment' : 'read these details of your accounts';
  const rows = o.subject.rows
    .map(([label, value]) => `<dt>${escape(label)}</dt><dd>${escape(value)}</dd>`)
    .join('\n');
  const accounts = o.subject.chooseAccounts
    ? `<fieldset>
<legend>Accounts ${escape(o.clientName)} may see</legend>
${o.accounts
  .map(
    (a) =>
      `<label><input type="checkbox" name="account" value="${escape(a.accountId)}" checked> ${escape(a.label)}</label>`,
  )
  .join('\n')}
</fieldset>`
    : '';
  return layout(
    o.bankName,
    'Approve access',
    `<h1>${escape(o.clientName)} asks to ${what}</h1>
<p class="lead">Logged in as ${escape(o.psuName)}.</p>
${errorBox(o.error)}
<form method="post" action="${escape(o.action)}">
<input type="hidden" name="form_token" value="${escape(o.formToken)}">
<dl>
${rows}
</dl>
${accounts}
<div class="actions">
<button type="submit" name="decision" value="approve" class="primary">Approve</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  );
}

export function errorPage(bankName: string, heading: string, message: string): string {
  return layout(
    bankName,
    heading,
    `<h1>${escape(heading)}</h1>
<div class="error" role="alert">${escape(message)}</div>
<p>Go back to the app you came from and start again.</p>`,
  );
}
