import type { AuditRecordView } from './types.ts';

export type ExportFormat = 'jsonl' | 'csv';

/** Export columns, in order; args stay the redacted JSON text they were stored as. */
export const exportColumns = [
  'seq',
  'idx',
  'at',
  'recordAt',
  'service',
  'requestId',
  'principalKind',
  'principalId',
  'clientId',
  'psuId',
  'consentId',
  'operationName',
  'operationType',
  'fieldPath',
  'responsePath',
  'args',
  'outcome',
  'errorCode',
] as const;

function plain(r: AuditRecordView): Record<(typeof exportColumns)[number], string | number | null> {
  return {
    seq: r.seq.toString(),
    idx: r.idx,
    at: r.at.toISOString(),
    recordAt: r.recordAt.toISOString(),
    service: r.service,
    requestId: r.requestId,
    principalKind: r.principalKind,
    principalId: r.principalId,
    clientId: r.clientId,
    psuId: r.psuId,
    consentId: r.consentId,
    operationName: r.operationName,
    operationType: r.operationType,
    fieldPath: r.fieldPath,
    responsePath: r.responsePath,
    args: r.args,
    outcome: r.outcome,
    errorCode: r.errorCode,
  };
}

/**
 * A CSV cell per RFC 4180. Cells a spreadsheet would run as a formula (leading = + - @, tab,
 * CR) get a leading apostrophe: exports are opened by people, in spreadsheets (CWE-1236).
 */
function csvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvHeader = (): string => `${exportColumns.join(',')}\n`;

/** One record as a line of the chosen format, newline included. */
export function formatRecord(r: AuditRecordView, format: ExportFormat): string {
  const p = plain(r);
  if (format === 'jsonl') return `${JSON.stringify(p)}\n`;
  return `${exportColumns.map((c) => csvCell(p[c])).join(',')}\n`;
}
