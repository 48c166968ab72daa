import type { AuditRecordView } from '../../../shared/audit/index.ts';
import { permissionText } from './consent.ts';
import { esc, page, when } from './layout.ts';

/** The audit search's filters as the form holds them (strings, as typed). */
export interface FilterFields {
  psuId: string;
  clientId: string;
  consentId: string;
  requestId: string;
  fieldPath: string;
  outcome: string;
  from: string;
  to: string;
  first: string;
}

export const filterNames = [
  'psuId',
  'clientId',
  'consentId',
  'requestId',
  'fieldPath',
  'outcome',
  'from',
  'to',
  'first',
] as const;

export interface ResultsPage {
  records: AuditRecordView[];
  /** Where the next page is, when there is one. */
  nextHref: string | null;
}

const labels: Record<(typeof filterNames)[number], [string, string]> = {
  psuId: ['PSU id', ''],
  clientId: ['Client app id', ''],
  consentId: ['Consent id', ''],
  requestId: ['Request id', 'x-fapi-interaction-id'],
  fieldPath: ['Field path', 'Type.field, or Type.*'],
  outcome: ['Outcome', ''],
  from: ['From (UTC, inclusive)', 'e.g. 2026-12-01T09:00'],
  to: ['To (UTC, exclusive)', ''],
  first: ['Per page', '1 to 500'],
};

function field(name: (typeof filterNames)[number], value: string): string {
  const [label, hint] = labels[name];
  const id = `f-${name}`;
  const hintHtml = hint ? ` <span class="hint">${esc(hint)}</span>` : '';
  if (name === 'outcome') {
    const options = ['', 'ok', 'denied', 'error', 'started']
      .map((o) => `<option value="${o}"${o === value ? ' selected' : ''}>${o || 'Any'}</option>`)
      .join('');
    return `<div><label for="${id}">${label}</label><select id="${id}" name="${name}">${options}</select></div>`;
  }
  return `<div><label for="${id}">${label}${hintHtml}</label>
<input type="text" id="${id}" name="${name}" value="${esc(value)}" spellcheck="false" autocapitalize="none"></div>`;
}

/** Audit records as a table: the fields the API's AuditRecord has. */
export function recordsTable(caption: string, records: AuditRecordView[]): string {
  if (!records.length) return `<p>No records match.</p>`;
  const rows = records
    .map(
      (
        r,
      ) => `<tr><td>${esc(when(r.at))}</td><td>${esc(r.service)}</td><td><code>${esc(r.fieldPath)}</code></td>
<td>${esc(r.outcome)}${r.errorCode ? ` <span class="muted">${esc(r.errorCode)}</span>` : ''}</td>
<td>${esc(r.principalKind)} <code>${esc(r.principalId ?? '')}</code></td><td><code>${esc(r.clientId ?? '')}</code></td>
<td><code>${esc(r.consentId ?? '')}</code></td><td>${esc(r.operationName ?? '')} ${esc(r.operationType ?? '')}</td>
<td><code>${esc(r.requestId)}</code></td><td><code>${esc(r.args ?? '')}</code></td></tr>`,
    )
    .join('\n');
  return `<table><caption class="muted">${esc(caption)}</caption>
<thead><tr><th scope="col">When</th><th scope="col">Service</th><th scope="col">Field</th><th scope="col">Outcome</th>
<th scope="col">Caller</th><th scope="col">Client</th><th scope="col">Consent</th><th scope="col">Operation</th>
<th scope="col">Request</th><th scope="col">Arguments</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

const signOut = (csrf: string) =>
  `<form method="post" action="/account/signout"><input type="hidden" name="csrf" value="${esc(csrf)}">
<button type="submit" class="secondary">Sign out</button></form>`;

export interface SearchView {
  officer: string;
  csrf: string;
  filters: FilterFields;
  results: ResultsPage | null;
  exportQuery: string;
  error?: string;
}

/** The compliance console's front page: review a consent, or search and export the audit log. */
export function searchPage(v: SearchView): string {
  const exportLinks = `<p>Export every matching record (oldest first):
<a href="/compliance/export?${esc(v.exportQuery)}&amp;format=csv">CSV</a> ·
<a href="/compliance/export?${esc(v.exportQuery)}&amp;format=jsonl">JSON lines</a></p>`;
  const results = v.results
    ? `${recordsTable('Matching records, newest first', v.results.records)}
${v.results.nextHref ? `<p><a href="${esc(v.results.nextHref)}">Next page</a></p>` : ''}
${exportLinks}`
    : '';
  return page(
    'Compliance console',
    `<div class="topline"><h1>Compliance console</h1>${signOut(v.csrf)}</div>
<p class="lead">Signed in as ${esc(v.officer)}. Every view here is itself recorded in the audit log.</p>
<h2>Review a consent</h2>
<form method="get" action="/compliance/consents">
<label for="review-id">Consent to review <span class="hint">Its id, e.g. cns_…</span></label>
<input type="text" id="review-id" name="id" spellcheck="false" autocapitalize="none" required>
<div class="actions"><button type="submit" class="primary">Review</button></div>
</form>
<h2>Search the audit log</h2>
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
<form method="get" action="/compliance">
<div class="filters">${filterNames.map((n) => field(n, v.filters[n])).join('\n')}</div>
<div class="actions"><button type="submit" class="primary" name="search" value="1">Search</button></div>
</form>
${results}`,
    { wide: true },
  );
}

export interface ReviewView {
  officer: string;
  csrf: string;
  consent: {
    id: string;
    clientId: string;
    clientName: string;
    psuId: string | null;
    status: string;
    permissions: string[];
    accountIds: string[];
    transactionFromDate: Date | null;
    transactionToDate: Date | null;
    expiresAt: Date | null;
    createdAt: Date;
  };
  history: {
    fromStatus: string | null;
    toStatus: string;
    actor: string;
    reason: string | null;
    at: Date;
  }[];
  accesses: ResultsPage;
}

/** One consent for review: the grant, its status history and every access under it. */
export function reviewPage(v: ReviewView): string {
  const c = v.consent;
  const history = v.history
    .map(
      (h) =>
        `<tr><td>${esc(when(h.at))}</td><td>${esc(h.fromStatus ?? '—')}</td><td>${esc(h.toStatus)}</td><td>${esc(h.actor)}</td><td>${esc(h.reason ?? '')}</td></tr>`,
    )
    .join('');
  return page(
    'Consent review',
    `<div class="topline"><h1>Consent review</h1>${signOut(v.csrf)}</div>
<p class="lead"><a href="/compliance">Back to the console</a> · Signed in as ${esc(v.officer)}.</p>
<h2>The grant</h2>
<dl class="terms">
<dt>Consent</dt><dd><code>${esc(c.id)}</code></dd>
<dt>Status</dt><dd>${esc(c.status)}</dd>
<dt>Client app</dt><dd>${esc(c.clientName)} (<code>${esc(c.clientId)}</code>)</dd>
<dt>PSU</dt><dd><code>${esc(c.psuId ?? 'not yet bound')}</code></dd>
<dt>Permissions</dt><dd><ul>${c.permissions.map((p) => `<li><code>${esc(p)}</code>: ${esc(permissionText[p] ?? '')}</li>`).join('')}</ul></dd>
<dt>Accounts</dt><dd>${c.accountIds.length ? c.accountIds.map((a) => `<code>${esc(a)}</code>`).join(', ') : 'None'}</dd>
<dt>Transactions</dt><dd>${esc(when(c.transactionFromDate, 'from the first'))} to ${esc(when(c.transactionToDate, 'today'))}</dd>
<dt>Expires</dt><dd>${esc(when(c.expiresAt, 'No expiry'))}</dd>
<dt>Created</dt><dd>${esc(when(c.createdAt))}</dd>
</dl>
<h2>Status history</h2>
<table><thead><tr><th scope="col">When</th><th scope="col">From</th><th scope="col">To</th><th scope="col">By</th><th scope="col">Reason</th></tr></thead>
<tbody>${history}</tbody></table>
<h2>Every access under it</h2>
${recordsTable('Accesses, newest first', v.accesses.records)}
${v.accesses.nextHref ? `<p><a href="${esc(v.accesses.nextHref)}">Next page</a></p>` : ''}
<p><a href="/compliance?consentId=${encodeURIComponent(c.id)}&amp;search=1">Search these accesses with filters</a></p>`,
    { wide: true },
  );
}
