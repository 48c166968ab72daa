import { randomUUID } from 'node:crypto';
import { isValidIban } from '../data/identifiers.js';
import { header, isRecord, parseJsonBody, type ApiRequest, type Reply } from '../http.js';
import type { AdminAuthoriseBody } from '../standard.js';
import type { AuthoriseOutcome } from './consents.js';
import { href, scaRedirect, type BgContext, type BgPayment } from './context.js';
import { bgError } from './errors.js';

const SUPPORTED_PRODUCT = 'sepa-credit-transfers';

function ibanOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.iban === 'string' ? value.iban : undefined;
}

/** POST /v1/payments/sepa-credit-transfers */
export function initiatePayment(ctx: BgContext, req: ApiRequest): Reply {
  if (req.params['payment-product'] !== SUPPORTED_PRODUCT) {
    return bgError(
      404,
      'PRODUCT_UNKNOWN',
      `Payment product ${req.params['payment-product']} is not offered`,
    );
  }
  if (!header(req, 'psu-ip-address')) {
    return bgError(400, 'FORMAT_ERROR', 'PSU-IP-Address header is required', {
      path: 'PSU-IP-Address',
    });
  }
  const parsed = parseJsonBody(req);
  if (!parsed.ok) return bgError(400, 'FORMAT_ERROR', parsed.message);
  const body = parsed.value;
  if (!isRecord(body)) return bgError(400, 'FORMAT_ERROR', 'Body must be a JSON object');
  const debtorIban = ibanOf(body.debtorAccount);
  const creditorIban = ibanOf(body.creditorAccount);
  const amount = body.instructedAmount;
  if (!debtorIban)
    return bgError(400, 'FORMAT_ERROR', 'debtorAccount.iban is required', {
      path: 'debtorAccount',
    });
  if (!creditorIban || !isValidIban(creditorIban)) {
    return bgError(400, 'FORMAT_ERROR', 'creditorAccount.iban must be a valid IBAN', {
      path: 'creditorAccount',
    });
  }
  if (
    typeof body.creditorName !== 'string' ||
    body.creditorName === '' ||
    body.creditorName.length > 70
  ) {
    return bgError(400, 'FORMAT_ERROR', 'creditorName is required (max 70)', {
      path: 'creditorName',
    });
  }
  if (
    !isRecord(amount) ||
    typeof amount.currency !== 'string' ||
    !/^[A-Z]{3}$/.test(amount.currency) ||
    typeof amount.amount !== 'string' ||
    !/^[0-9]{1,14}(\.[0-9]{1,3})?$/.test(amount.amount) ||
    Number(amount.amount) <= 0
  ) {
    return bgError(400, 'FORMAT_ERROR', 'instructedAmount needs a currency and a positive amount', {
      path: 'instructedAmount',
    });
  }
  const debtor = ctx.data.accountByIban(debtorIban);
  if (!debtor)
    return bgError(400, 'FORMAT_ERROR', 'debtorAccount is not held at this bank', {
      path: 'debtorAccount',
    });
  const payment: BgPayment = {
    paymentId: randomUUID(),
    product: SUPPORTED_PRODUCT,
    request: body,
    debtorAccountId: debtor.accountId,
    psuId: header(req, 'psu-id'),
    authorised: false,
    stages: creditorIban.endsWith('0000') ? ['RJCT'] : ['ACTC', 'ACSC'],
    step: 0,
  };
  ctx.payments.set(payment.paymentId, payment);
  const self = `/v1/payments/${SUPPORTED_PRODUCT}/${payment.paymentId}`;
  return {
    status: 201,
    headers: { Location: href(req, self).href, 'ASPSP-SCA-Approach': 'REDIRECT' },
    body: {
      transactionStatus: 'RCVD',
      paymentId: payment.paymentId,
      _links: {
        scaRedirect: scaRedirect(ctx, req, payment.paymentId),
        self: href(req, self),
        status: href(req, `${self}/status`),
      },
    },
  };
}

function findPayment(ctx: BgContext, req: ApiRequest): BgPayment | undefined {
  const payment = ctx.payments.get(req.params.paymentId ?? '');
  return payment && payment.product === req.params['payment-product'] ? payment : undefined;
}

/** RCVD until authorised; then each status read shows the next step (ACTC, then ACSC). */
function currentStatus(ctx: BgContext, payment: BgPayment, advance: boolean): string {
  if (!payment.authorised) return 'RCVD';
  const status = payment.stages[payment.step] ?? 'RCVD';
  if (advance && payment.step < payment.stages.length - 1) {
    payment.step++;
    ctx.payments.set(payment.paymentId, payment);
  }
  return status;
}

export function getPaymentStatus(ctx: BgContext, req: ApiRequest): Reply {
  const payment = findPayment(ctx, req);
  if (!payment) return bgError(403, 'RESOURCE_UNKNOWN', 'Payment is not known');
  return { status: 200, body: { transactionStatus: currentStatus(ctx, payment, true) } };
}

export function getPayment(ctx: BgContext, req: ApiRequest): Reply {
  const payment = findPayment(ctx, req);
  if (!payment) return bgError(403, 'RESOURCE_UNKNOWN', 'Payment is not known');
  return {
    status: 200,
    body: { ...payment.request, transactionStatus: currentStatus(ctx, payment, false) },
  };
}

export function authorisePayment(
  ctx: BgContext,
  payment: BgPayment,
  request: AdminAuthoriseBody,
): AuthoriseOutcome {
  if (payment.authorised) return { ok: false, message: 'payment is already authorised' };
  if (payment.psuId !== undefined && payment.psuId !== request.psu) {
    return { ok: false, message: `payment was initiated for PSU-ID ${payment.psuId}` };
  }
  if (ctx.data.account(payment.debtorAccountId)?.psu !== request.psu) {
    return { ok: false, message: `debtorAccount is not one of ${request.psu}'s accounts` };
  }
  payment.authorised = true;
  if (request.decision === 'reject') payment.stages = ['RJCT'];
  ctx.payments.set(payment.paymentId, payment);
  return { ok: true, status: payment.stages[0] ?? 'RJCT' };
}
