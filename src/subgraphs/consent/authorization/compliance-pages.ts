import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  csvHeader,
  formatRecord,
  recordSecurityEvent,
  type AuditFilter,
  type AuditOutcome,
  type AuditSink,
} from '../../../shared/audit/index.ts';
import { PlatformScope } from '../../../shared/auth/permissions.ts';
import type { Principal } from '../../../shared/auth/principal.ts';
import type { Clock } from '../../../shared/clock.ts';
import { badInput, isAppError } from '../../../shared/errors/index.ts';
import type { Route } from '../../../shared/http/server.ts';
import type { ConsentDb } from '../db/client.ts';
import {
  filterNames,
  reviewPage,
  searchPage,
  type FilterFields,
  type ResultsPage,
} from '../pages/compliance.ts';
import { errorPage, pageHeaders, sendPage } from '../pages/layout.ts';
import type { AuditReadService } from '../services/audit.service.ts';
import type { AccountSession, AccountSessions } from './account-session.ts';
import { redirect } from './account-pages.ts';

export interface CompliancePagesOptions {
  db: ConsentDb;
  clock: Clock;
  sessions: AccountSessions;
  /** The same service the API's auditRecords and consentReview call, with its scope check. */
  audit: AuditReadService;
  /** Where the officers' own reads are recorded; unset only where auditing is off. */
  sink?: AuditSink;
}

/** The first-party client staff act through (seeded with audit:read only). */
export const complianceClientId = 'compliance-console';

/**
 * The compliance console, for staff holding `audit:read`: consent review and audit search,
 * paging and export. Every answer comes from AuditReadService, which the GraphQL API's
 * fields call too, under a principal carrying only the officer's own staff scopes; so the
 * console shows nothing the API would not show them.
 */
export function compliancePages(o: CompliancePagesOptions): Record<string, Route> {
  async function officerOf(req: IncomingMessage, res: ServerResponse, url: URL) {
    const session = await o.sessions.of(req);
    if (!session) {
      redirect(res, `/account/signin?next=${encodeURIComponent(url.pathname)}`);
      return undefined;
    }
    if (!session.staffScopes.includes(PlatformScope.AuditRead)) {
      sendPage(
        res,
        403,
        errorPage(
          'This page is for compliance staff',
          'Your account does not hold the audit:read role.',
          'Your own data access is on your access dashboard.',
        ),
      );
      return undefined;
    }
    return { session, principal: principalOf(session) };
  }

  /** The officer's read goes into the audit log before any answer leaves (fail closed). */
  async function recorded(session: AccountSession, view: string, details: object) {
    if (!o.sink) return;
    await recordSecurityEvent(o.sink, {
      at: o.clock.now(),
      service: 'consent',
      requestId: randomUUID(),
      event: `Security.compliance${view}`,
      principalKind: 'psu',
      principalId: session.psuId,
      clientId: complianceClientId,
      psuId: null,
      details: { ...details },
      outcome: 'ok',
      errorCode: null,
    });
  }

  const search: Route = async (req, res, url) => {
    const officer = await officerOf(req, res, url);
    if (!officer) return;
    const fields = fieldsOf(url);
    const base = {
      officer: officer.session.displayName,
      csrf: o.sessions.csrf(officer.session),
      filters: fields,
      exportQuery: queryOf(fields),
    };
    if (!url.searchParams.has('search'))
      return sendPage(res, 200, searchPage({ ...base, results: null }));
    try {
      const filter = filterOf(fields);
      const first = pageSize(fields.first);
      const after = url.searchParams.get('after');
      const found = await o.audit.search(officer.principal, filter, { first, after });
      await recorded(officer.session, 'Search', { filter: fields, after });
      const next = found.hasNextPage
        ? `/compliance?${queryOf(fields)}&search=1&after=${encodeURIComponent(found.endCursor ?? '')}`
        : null;
      sendPage(
        res,
        200,
        searchPage({ ...base, results: { records: found.records, nextHref: next } }),
      );
    } catch (e) {
      if (!isAppError(e) || e.code !== 'BAD_USER_INPUT') throw e;
      sendPage(res, 400, searchPage({ ...base, results: null, error: e.message }));
    }
  };

  const review: Route = async (req, res, url) => {
    const officer = await officerOf(req, res, url);
    if (!officer) return;
    const id = (url.searchParams.get('id') ?? '').trim();
    const after = url.searchParams.get('after');
    let consent;
    try {
      consent = await o.audit.consent(officer.principal, id);
    } catch (e) {
      if (!isAppError(e) || e.code !== 'NOT_FOUND') throw e;
      return sendPage(
        res,
        404,
        errorPage('No such consent', `No consent has the id “${id}”.`, 'Check the id and retry.'),
      );
    }
    const [app, history, accesses] = await Promise.all([
      o.db.clientApp.findUnique({ where: { id: consent.clientAppId } }),
      o.audit.history(officer.principal, consent.id),
      o.audit
        .search(officer.principal, { consentId: consent.id }, { first: 50, after })
        .catch((e: unknown) => {
          if (isAppError(e) && e.code === 'BAD_USER_INPUT') return null;
          throw e;
        }),
    ]);
    if (!accesses) return sendPage(res, 400, errorPage('Invalid page', 'Invalid cursor', ''));
    await recorded(officer.session, 'ConsentReview', { consentId: consent.id, after });
    const page: ResultsPage = {
      records: accesses.records,
      nextHref: accesses.hasNextPage
        ? `/compliance/consents?id=${encodeURIComponent(consent.id)}&after=${encodeURIComponent(accesses.endCursor ?? '')}`
        : null,
    };
    sendPage(
      res,
      200,
      reviewPage({
        officer: officer.session.displayName,
        csrf: o.sessions.csrf(officer.session),
        consent: {
          id: consent.id,
          clientId: consent.clientAppId,
          clientName: app?.name ?? consent.clientAppId,
          psuId: consent.psuId,
          status: consent.status,
          permissions: consent.permissions.split(' ').filter(Boolean),
          accountIds: JSON.parse(consent.selectedAccountIds) as string[],
          transactionFromDate: consent.transactionFromDate,
          transactionToDate: consent.transactionToDate,
          expiresAt: consent.expiresAt,
          createdAt: consent.createdAt,
        },
        history,
        accesses: page,
      }),
    );
  };

  const exported: Route = async (req, res, url) => {
    const officer = await officerOf(req, res, url);
    if (!officer) return;
    const format = url.searchParams.get('format') === 'jsonl' ? 'jsonl' : 'csv';
    const fields = fieldsOf(url);
    let records;
    try {
      records = o.audit.export(officer.principal, filterOf(fields));
    } catch (e) {
      if (!isAppError(e) || e.code !== 'BAD_USER_INPUT') throw e;
      return sendPage(res, 400, errorPage('This export cannot run', e.message, ''));
    }
    await recorded(officer.session, 'Export', { filter: fields, format });
    res.writeHead(200, {
      ...pageHeaders,
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="audit-export.${format}"`,
    });
    if (format === 'csv') res.write(csvHeader());
    for await (const r of records) {
      if (!res.write(formatRecord(r, format))) await new Promise((ok) => res.once('drain', ok));
    }
    res.end();
  };

  return {
    'GET /compliance': search,
    'GET /compliance/consents': review,
    'GET /compliance/export': exported,
  };
}

/** The officer, as the audit read service knows a caller: their own staff scopes, no more. */
function principalOf(session: AccountSession): Principal {
  return {
    kind: 'client',
    subject: session.psuId,
    clientId: complianceClientId,
    scopes: session.staffScopes,
    tokenId: randomUUID(),
    issuer: 'ledgergraph-consent',
    expiresAt: Math.floor(Date.now() / 1000) + 60,
  };
}

function fieldsOf(url: URL): FilterFields {
  const f = {} as FilterFields;
  for (const n of filterNames) f[n] = (url.searchParams.get(n) ?? '').trim().slice(0, 200);
  return f;
}

function queryOf(fields: FilterFields): string {
  const q = new URLSearchParams();
  for (const n of filterNames) if (fields[n]) q.set(n, fields[n]);
  return q.toString();
}

const outcomes = ['ok', 'denied', 'error', 'started'];

/** The form's fields as the API's AuditFilterInput; bad ones are BAD_USER_INPUT, as there. */
function filterOf(f: FilterFields): AuditFilter {
  if (f.outcome && !outcomes.includes(f.outcome))
    throw badInput('outcome is not one of ok, denied, error, started');
  return {
    psuId: f.psuId || null,
    clientId: f.clientId || null,
    consentId: f.consentId || null,
    requestId: f.requestId || null,
    fieldPath: f.fieldPath || null,
    outcome: (f.outcome || null) as AuditOutcome | null,
    from: dateOf(f.from, 'From'),
    to: dateOf(f.to, 'To'),
  };
}

function dateOf(value: string, name: string): Date | null {
  if (!value) return null;
  // A datetime-local value has no zone: the console says UTC, so it is read as UTC.
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw badInput(`${name} is not a date and time (2026-12-01T09:00)`);
  }
  return d;
}

function pageSize(value: string): number {
  if (!value) return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw badInput('Per page is 1 to 500');
  return n;
}
