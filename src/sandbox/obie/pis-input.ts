import { header, isRecord, parseJsonBody, type ApiRequest, type Reply } from '../http.js';
import type { Guarded, ObieContext } from './context.js';
import type { ObieErrorCode } from './dialect.js';
import { obieError } from './errors.js';

// Reading payment requests: the idempotency key, then the parts of the body the bank needs.

export interface Submission {
  key: string;
  body: Record<string, unknown>;
  fingerprint: string;
}

/**
 * The idempotency key is checked before the body: a replay answers what the first call
 * answered, even if the resource has moved on since.
 */
export function readSubmission(
  ctx: ObieContext,
  req: ApiRequest,
  scope: string,
): Guarded<Submission> {
  const key = header(req, 'x-idempotency-key');
  if (key === undefined || key === '') {
    return fail(
      ctx,
      400,
      'Header.Missing',
      'x-idempotency-key header is required',
      'x-idempotency-key',
    );
  }
  if (key.length > 40 || !/^(?!\s)(.*)(\S)$/.test(key)) {
    return fail(
      ctx,
      400,
      'Header.Invalid',
      'x-idempotency-key must be 1-40 characters without surrounding spaces',
      'x-idempotency-key',
    );
  }
  const parsed = parseJsonBody(req);
  if (!parsed.ok) return fail(ctx, 400, 'Resource.InvalidFormat', parsed.message);
  if (!isRecord(parsed.value))
    return fail(ctx, 400, 'Resource.InvalidFormat', 'Body must be a JSON object');
  const outcome = ctx.idempotency.check(scope, key, parsed.value);
  if (outcome.kind === 'replay') return { ok: false, reply: outcome.reply };
  if (outcome.kind === 'conflict') {
    return fail(
      ctx,
      400,
      ctx.dialect.idempotencyConflictCode,
      'x-idempotency-key was already used with a different body',
      'x-idempotency-key',
    );
  }
  return { ok: true, value: { key, body: parsed.value, fingerprint: outcome.fingerprint } };
}

export function fail(
  ctx: ObieContext,
  status: number,
  code: ObieErrorCode,
  message: string,
  path?: string,
): { ok: false; reply: Reply } {
  return { ok: false, reply: obieError(ctx.dialect, status, { code, message, path }) };
}

export function requireInitiation(
  ctx: ObieContext,
  data: Record<string, unknown>,
): Guarded<Record<string, unknown>> {
  const initiation = data.Initiation;
  if (!isRecord(initiation))
    return fail(ctx, 400, 'Field.Missing', 'Initiation is required', 'Data.Initiation');
  for (const field of ['InstructionIdentification', 'EndToEndIdentification']) {
    if (typeof initiation[field] !== 'string') {
      return fail(ctx, 400, 'Field.Missing', `${field} is required`, `Data.Initiation.${field}`);
    }
  }
  const amount = initiation.InstructedAmount;
  if (
    !isRecord(amount) ||
    typeof amount.Amount !== 'string' ||
    !/^\d{1,13}$|^\d{1,13}\.\d{1,5}$/.test(amount.Amount) ||
    typeof amount.Currency !== 'string' ||
    !/^[A-Z]{3}$/.test(amount.Currency)
  ) {
    return fail(
      ctx,
      400,
      'Field.Invalid',
      'InstructedAmount needs Amount and Currency',
      'Data.Initiation.InstructedAmount',
    );
  }
  const creditor = initiation.CreditorAccount;
  if (
    !isRecord(creditor) ||
    typeof creditor.SchemeName !== 'string' ||
    typeof creditor.Identification !== 'string' ||
    typeof creditor.Name !== 'string'
  ) {
    return fail(
      ctx,
      400,
      'Field.Missing',
      'CreditorAccount needs SchemeName, Identification and Name',
      'Data.Initiation.CreditorAccount',
    );
  }
  return { ok: true, value: initiation };
}
