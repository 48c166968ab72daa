import { randomUUID } from 'node:crypto';
import { formatDateTime } from '../data/format.js';
import { canonicalJson, isRecord, type ApiRequest, type Reply, type Router } from '../http.js';
import type { AdminAuthoriseBody } from '../standard.js';
import type { AuthoriseOutcome } from './consents.js';
import { absolute, requireToken, type ObieContext } from './context.js';
import type { PaymentStage } from './dialect.js';
import { obieError } from './errors.js';
import { readSubmission, requireInitiation } from './pis-input.js';
import type { DomesticPayment, PaymentConsent } from './pis-model.js';

export function pisRoutes(ctx: ObieContext, router: Router): void {
  const base = ctx.dialect.pisBase;
  router
    .add('POST', `${base}/domestic-payment-consents`, (req) => createPaymentConsent(ctx, req))
    .add('GET', `${base}/domestic-payment-consents/{ConsentId}`, (req) =>
      getPaymentConsent(ctx, req),
    )
    .add('POST', `${base}/domestic-payments`, (req) => createPayment(ctx, req))
    .add('GET', `${base}/domestic-payments/{DomesticPaymentId}`, (req) => getPayment(ctx, req));
}

function createPaymentConsent(ctx: ObieContext, req: ApiRequest): Reply {
  const auth = requireToken(ctx, req, 'payments');
  if (!auth.ok) return auth.reply;
  const submission = readSubmission(ctx, req, 'domestic-payment-consents');
  if (!submission.ok) return submission.reply;
  const { body } = submission.value;
  const data = body.Data;
  if (!isRecord(data))
    return obieError(ctx.dialect, 400, {
      code: 'Field.Missing',
      message: 'Data is required',
      path: 'Data',
    });
  const initiation = requireInitiation(ctx, data);
  if (!initiation.ok) return initiation.reply;
  if (!isRecord(body.Risk))
    return obieError(ctx.dialect, 400, {
      code: 'Field.Missing',
      message: 'Risk is required',
      path: 'Risk',
    });
  const extras: Record<string, unknown> = {};
  for (const field of ['ReadRefundAccount', 'Authorisation', 'SCASupportData']) {
    if (data[field] !== undefined) extras[field] = data[field];
  }
  const now = ctx.now();
  const consent: PaymentConsent = {
    consentId: `pdc-${randomUUID()}`,
    createdAt: now,
    state: 'awaiting',
    stateChangedAt: now,
    initiation: initiation.value,
    risk: body.Risk,
    extras,
  };
  ctx.paymentConsents.set(consent.consentId, consent);
  const reply: Reply = { status: 201, body: paymentConsentBody(ctx, req, consent) };
  ctx.idempotency.remember(
    'domestic-payment-consents',
    submission.value.key,
    submission.value.fingerprint,
    reply,
  );
  return reply;
}

function getPaymentConsent(ctx: ObieContext, req: ApiRequest): Reply {
  const auth = requireToken(ctx, req, 'payments');
  if (!auth.ok) return auth.reply;
  const consent = ctx.paymentConsents.get(req.params.ConsentId ?? '');
  if (!consent)
    return obieError(ctx.dialect, 400, {
      code: 'Resource.NotFound',
      message: 'Consent not found',
      path: 'ConsentId',
    });
  return { status: 200, body: paymentConsentBody(ctx, req, consent) };
}

function paymentConsentBody(ctx: ObieContext, req: ApiRequest, consent: PaymentConsent): unknown {
  return {
    Data: {
      ConsentId: consent.consentId,
      CreationDateTime: formatDateTime(consent.createdAt),
      Status: ctx.dialect.consentStatus(consent.state, false),
      StatusUpdateDateTime: formatDateTime(consent.stateChangedAt),
      ...consent.extras,
      Initiation: consent.initiation,
    },
    Risk: consent.risk,
    Links: {
      Self: absolute(req, `${ctx.dialect.pisBase}/domestic-payment-consents/${consent.consentId}`),
    },
    Meta: {},
  };
}

function createPayment(ctx: ObieContext, req: ApiRequest): Reply {
  const auth = requireToken(ctx, req, 'payments');
  if (!auth.ok) return auth.reply;
  const submission = readSubmission(ctx, req, 'domestic-payments');
  if (!submission.ok) return submission.reply;
  const { body } = submission.value;
  const data = isRecord(body.Data) ? body.Data : undefined;
  if (!data)
    return obieError(ctx.dialect, 400, {
      code: 'Field.Missing',
      message: 'Data is required',
      path: 'Data',
    });
  const consent = auth.value.consentId ? ctx.paymentConsents.get(auth.value.consentId) : undefined;
  if (!consent) {
    return obieError(ctx.dialect, 403, {
      code: 'Resource.InvalidConsentStatus',
      message: 'Access token is not bound to a payment consent authorised by the PSU',
    });
  }
  if (data.ConsentId !== consent.consentId) {
    return obieError(ctx.dialect, 400, {
      code: 'Resource.ConsentMismatch',
      message: 'ConsentId does not match the access token',
      path: 'Data.ConsentId',
    });
  }
  if (consent.state !== 'authorised') {
    return obieError(ctx.dialect, 400, {
      code: 'Resource.InvalidConsentStatus',
      message: `Consent is ${ctx.dialect.consentStatus(consent.state, false)}`,
      path: 'Data.ConsentId',
    });
  }
  if (canonicalJson(data.Initiation) !== canonicalJson(consent.initiation)) {
    return obieError(ctx.dialect, 400, {
      code: 'Resource.ConsentMismatch',
      message: 'Initiation differs from the consent',
      path: 'Data.Initiation',
    });
  }
  if (canonicalJson(body.Risk) !== canonicalJson(consent.risk)) {
    return obieError(ctx.dialect, 400, {
      code: 'Resource.ConsentMismatch',
      message: 'Risk differs from the consent',
      path: 'Risk',
    });
  }
  const now = ctx.now();
  const creditor = consent.initiation.CreditorAccount;
  const rejected = isRecord(creditor) && String(creditor.Identification).endsWith('0000');
  const payment: DomesticPayment = {
    paymentId: `dp-${randomUUID()}`,
    consentId: consent.consentId,
    createdAt: now,
    stages: rejected ? ['pending', 'rejected'] : ['pending', 'in-process', 'completed'],
    step: 0,
    stageChangedAt: now,
    initiation: consent.initiation,
  };
  ctx.payments.set(payment.paymentId, payment);
  consent.state = 'consumed';
  consent.stateChangedAt = now;
  ctx.paymentConsents.set(consent.consentId, consent);
  const reply: Reply = { status: 201, body: paymentBody(ctx, req, payment) };
  ctx.idempotency.remember(
    'domestic-payments',
    submission.value.key,
    submission.value.fingerprint,
    reply,
  );
  return reply;
}

/** Each GET moves the payment one step along its path, so tests can walk it. */
function getPayment(ctx: ObieContext, req: ApiRequest): Reply {
  const auth = requireToken(ctx, req, 'payments');
  if (!auth.ok) return auth.reply;
  const payment = ctx.payments.get(req.params.DomesticPaymentId ?? '');
  if (!payment) {
    return obieError(ctx.dialect, 400, {
      code: 'Resource.NotFound',
      message: 'Payment not found',
      path: 'DomesticPaymentId',
    });
  }
  if (payment.step < payment.stages.length - 1) {
    payment.step++;
    payment.stageChangedAt = ctx.now();
    ctx.payments.set(payment.paymentId, payment);
  }
  return { status: 200, body: paymentBody(ctx, req, payment) };
}

function paymentBody(ctx: ObieContext, req: ApiRequest, payment: DomesticPayment): unknown {
  const stage: PaymentStage = payment.stages[payment.step] ?? 'pending';
  const data: Record<string, unknown> = {
    DomesticPaymentId: payment.paymentId,
    ConsentId: payment.consentId,
    CreationDateTime: formatDateTime(payment.createdAt),
    Status: ctx.dialect.paymentStatus(stage),
    StatusUpdateDateTime: formatDateTime(payment.stageChangedAt),
  };
  if (stage === 'rejected' && ctx.dialect.version === '4.0') {
    data.StatusReason = [
      { StatusReasonCode: 'AC01', StatusReasonDescription: 'Creditor account number is invalid' },
    ];
  }
  data.Initiation = payment.initiation;
  return {
    Data: data,
    Links: { Self: absolute(req, `${ctx.dialect.pisBase}/domestic-payments/${payment.paymentId}`) },
    Meta: {},
  };
}

/** PSU approval of a payment consent; a named debtor account must be one of the PSU's. */
export function authorisePaymentConsent(
  ctx: ObieContext,
  consent: PaymentConsent,
  request: AdminAuthoriseBody,
): AuthoriseOutcome {
  if (consent.state !== 'awaiting') {
    return { ok: false, message: `consent is ${ctx.dialect.consentStatus(consent.state, false)}` };
  }
  const debtor = consent.initiation.DebtorAccount;
  if (isRecord(debtor)) {
    const identification = String(debtor.Identification);
    const owns = ctx.data
      .accountsOf(request.psu)
      .some(
        (a) => a.iban === identification || `${a.sortCode}${a.accountNumber}` === identification,
      );
    if (!owns)
      return { ok: false, message: `DebtorAccount is not one of ${request.psu}'s accounts` };
  }
  consent.stateChangedAt = ctx.now();
  if (request.decision === 'reject') {
    consent.state = 'rejected';
    ctx.paymentConsents.set(consent.consentId, consent);
    return { ok: true, status: ctx.dialect.consentStatus('rejected', false) };
  }
  consent.state = 'authorised';
  consent.psu = request.psu;
  ctx.paymentConsents.set(consent.consentId, consent);
  const code = ctx.tokens.issueCode(consent.consentId, 'payments', request.binding);
  return { ok: true, status: ctx.dialect.consentStatus('authorised', false), code };
}
