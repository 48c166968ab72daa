import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { registerAtSandboxBank } from '../../../shared/bank-auth/registration.ts';
import { TppSigningKey } from '../../../shared/bank-auth/tpp-key.ts';
import {
  AppError,
  ErrorCode,
  badInput,
  conflict,
  isAppError,
  upstreamUnavailable,
} from '../../../shared/errors/index.ts';
import { ObiePisConnector } from '../connectors/obie/connector.ts';
import { PaymentConsentStatus } from '../connectors/status.ts';
import type { PaymentConsentRow, PaymentRow } from '../db/client.ts';
import type { Caller } from './caller.ts';
import { sessionBox } from './orders.ts';
import type { PaymentConsentService, PaymentsDeps } from './payment-consent.service.ts';

/** Kept sealed in the consent's session column until the PSU comes back from the bank. */
interface PendingAuthorisation {
  pending: { stateHash: string; codeVerifier: string; redirectUri: string; returnUrl: string };
}

/**
 * Berlin Group: the payment itself is what the PSU authorises, after its initiation; this
 * waits sealed in the (consumed) consent's session column, which BG never uses otherwise.
 */
interface PendingPaymentAuthorisation {
  bgPayment: { stateHash: string; returnUrl: string };
}

export interface AuthorisationOutcome {
  paymentConsentId: string;
  /** OBIE: the consent's status; Berlin Group: the payment's, as the bank now says. */
  status: string;
  /** Berlin Group: the payment the PSU authorised (or refused) at the bank. */
  paymentId?: string;
  returnUrl: string;
  error?: { code: string; reason?: string };
}

/** Reads a payment's status from its bank now (PaymentService.fresh). */
export type RefreshPayment = (row: PaymentRow) => Promise<PaymentRow>;

const secret = () => randomBytes(32).toString('base64url');
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * Payments authorised on the bank's own page. OBIE: the consent, before submission (a
 * signed request object with PKCE). Berlin Group: the payment, after its initiation, which
 * carried our callback as TPP-Redirect-URI. Either way a single-use state bound to the
 * consent, our callback, then the client's return URL (allow-listed by origin): the same
 * rules as linking a bank in the accounts service.
 */
export class BankAuthorisationService {
  private key?: Promise<TppSigningKey>;
  private callback?: string;
  private readonly origins: Set<string>;

  constructor(
    private readonly deps: PaymentsDeps,
    private readonly consents: PaymentConsentService,
    returnOrigins: readonly string[],
    private readonly timeoutMs: number,
    private readonly refreshPayment?: RefreshPayment,
  ) {
    this.origins = new Set(returnOrigins.map((o) => new URL(o).origin));
  }

  /**
   * Berlin Group, at initiation: the TPP-Redirect-URI (our callback with a fresh state) and
   * its Nok twin, and the pending authorisation to keep sealed with the consent once the
   * payment exists. `returnUrl` was checked by `checkReturnUrl` before anything was sent.
   */
  paymentRedirect(
    paymentConsentId: string,
    returnUrl: string,
  ): { redirect: { uri: string; nokUri: string }; sealed: string } {
    if (!this.callback) throw upstreamUnavailable('Payments is not ready yet (no callback URL)');
    const key = secret();
    const uri = new URL(this.callback);
    uri.searchParams.set('state', `${paymentConsentId}.${key}`);
    const nok = new URL(uri);
    // The refusal page's address says so; the payment's status still comes from the bank.
    nok.searchParams.set('error', 'access_denied');
    const pending: PendingPaymentAuthorisation = {
      bgPayment: { stateHash: sha256(key), returnUrl: this.checkReturnUrl(returnUrl) },
    };
    return {
      redirect: { uri: uri.href, nokUri: nok.href },
      sealed: this.deps.keys.seal(pending, sessionBox(paymentConsentId)),
    };
  }

  setCallbackUrl(url: string): void {
    this.callback = url;
  }

  /** The embedded default learns the consent service's and gateway's ports after they listen. */
  allowReturnOrigins(origins: readonly string[]): void {
    for (const origin of origins) this.origins.add(new URL(origin).origin);
  }

  async start(
    caller: Caller,
    id: string,
    returnUrl: string,
  ): Promise<{ url: string; state: string }> {
    const checked = this.checkReturnUrl(returnUrl);
    const row = await this.consents.get(caller, id);
    const connector = this.consents.connector(row.bankId);
    if (!(connector instanceof ObiePisConnector) || !row.bankConsentId) {
      throw badInput('Only OBIE payment consents are authorised on the bank’s page here', {
        reason: 'not_obie',
      });
    }
    if (row.status !== PaymentConsentStatus.AwaitingAuthorisation) {
      throw conflict(`The payment consent is ${row.status}, not awaiting authorisation`);
    }
    if (!this.callback) throw upstreamUnavailable('Payments is not ready yet (no callback URL)');
    const bank = this.deps.banks.get(row.bankId)!;
    const key = secret();
    const pending: PendingAuthorisation = {
      pending: {
        stateHash: sha256(key),
        codeVerifier: secret(),
        redirectUri: this.callback,
        returnUrl: checked,
      },
    };
    const state = `${row.id}.${key}`;
    const signer = await (this.key ??= TppSigningKey.generate());
    await registerAtSandboxBank(bank, signer, this.callback, this.timeoutMs);
    const url = await connector.bankAuthorisationUrl(
      {
        bankConsentId: row.bankConsentId,
        redirectUri: this.callback,
        state,
        nonce: secret(),
        codeChallenge: sha256(pending.pending.codeVerifier),
      },
      (claims) => signer.sign(claims),
    );
    const stored = await this.deps.db.domesticPaymentConsent.updateMany({
      where: { id: row.id, status: PaymentConsentStatus.AwaitingAuthorisation },
      data: {
        bankSessionSealed: this.deps.keys.seal(pending, sessionBox(row.id)),
        updatedAt: this.deps.clock.now(),
      },
    });
    if (stored.count !== 1) throw conflict('The payment consent changed meanwhile; read it again');
    return { url, state };
  }

  /** GET /payment-consents/callback: the PSU is back from the bank with code, state, iss. */
  async finish(params: URLSearchParams): Promise<AuthorisationOutcome> {
    const match = /^(pc_[\w-]{22})\.([\w-]{43})$/.exec(params.get('state') ?? '');
    const row = match
      ? await this.deps.db.domesticPaymentConsent.findUnique({ where: { id: match[1]! } })
      : null;
    if (row?.standard === 'berlin-group') return this.finishPayment(row, match![2]!, params);
    const pending = row && this.pendingOf(row);
    if (!row || !pending) {
      if (row?.status === PaymentConsentStatus.Authorised) {
        throw conflict('This bank authorisation was already used', { reason: 'state_used' });
      }
      throw badInput('The state does not belong to a payment consent awaiting its bank', {
        reason: 'state_invalid',
      });
    }
    if (!sameHash(sha256(match![2]!), pending.stateHash)) {
      throw badInput('The state does not belong to a payment consent awaiting its bank', {
        reason: 'state_invalid',
      });
    }
    // Spend the state before calling the bank: a replay finds nothing pending.
    await this.spendState(row);
    const outcome = (status: string, error?: AuthorisationOutcome['error']) => ({
      paymentConsentId: row.id,
      status,
      returnUrl: pending.returnUrl,
      ...(error ? { error } : {}),
    });
    const bank = this.deps.banks.get(row.bankId)!;
    const iss = params.get('iss');
    if (iss !== null && iss !== new URL(bank.baseUrl).origin) {
      return outcome(row.status, { code: ErrorCode.BAD_USER_INPUT, reason: 'issuer_mismatch' });
    }
    if (params.get('error') === 'access_denied') {
      await this.setStatus(row.id, PaymentConsentStatus.Rejected);
      return outcome(PaymentConsentStatus.Rejected, { code: 'access_denied' });
    }
    const code = params.get('code');
    if (!code)
      return outcome(row.status, { code: ErrorCode.BAD_USER_INPUT, reason: 'code_missing' });
    try {
      const session = await this.consents.connector(row.bankId).completeAuthorisation(code, {
        codeVerifier: pending.codeVerifier,
        redirectUri: pending.redirectUri,
      });
      const changed = await this.deps.db.domesticPaymentConsent.updateMany({
        where: { id: row.id, status: PaymentConsentStatus.AwaitingAuthorisation },
        data: {
          status: PaymentConsentStatus.Authorised,
          bankSessionSealed: this.deps.keys.seal(session, sessionBox(row.id)),
          updatedAt: this.deps.clock.now(),
        },
      });
      if (changed.count !== 1) throw conflict('The payment consent changed meanwhile');
      return outcome(PaymentConsentStatus.Authorised);
    } catch (error) {
      if (!isAppError(error)) throw error;
      const reason = error.details['reason'];
      return outcome(row.status, {
        code: error.code,
        ...(typeof reason === 'string' ? { reason } : {}),
      });
    }
  }

  /**
   * Berlin Group: the PSU is back from the bank's page for the payment (our state only; an
   * `error=access_denied` when the bank used the Nok address). The state is spent first,
   * then the payment's status is read from the bank and recorded like any refresh.
   */
  private async finishPayment(
    row: PaymentConsentRow,
    key: string,
    params: URLSearchParams,
  ): Promise<AuthorisationOutcome> {
    const pending = row.bankSessionSealed
      ? this.deps.keys.unseal<Partial<PendingPaymentAuthorisation>>(
          row.bankSessionSealed,
          sessionBox(row.id),
        ).bgPayment
      : undefined;
    const payment = await this.deps.db.domesticPayment.findUnique({
      where: { paymentConsentId: row.id },
    });
    if (!pending || !payment || !sameHash(sha256(key), pending.stateHash)) {
      if (!pending && payment) {
        throw conflict('This bank authorisation was already used', { reason: 'state_used' });
      }
      throw badInput('The state does not belong to a payment awaiting its bank', {
        reason: 'state_invalid',
      });
    }
    await this.spendState(row);
    const now = this.refreshPayment ? await this.refreshPayment(payment) : payment;
    const refused = params.get('error') === 'access_denied';
    return {
      paymentConsentId: row.id,
      paymentId: now.id,
      status: now.status,
      returnUrl: pending.returnUrl,
      ...(refused ? { error: { code: 'access_denied' } } : {}),
    };
  }

  checkReturnUrl(returnUrl: string): string {
    let url: URL | undefined;
    try {
      url = new URL(returnUrl);
    } catch {
      url = undefined;
    }
    const allowed =
      url &&
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      !url.username &&
      !url.password &&
      this.origins.has(url.origin);
    if (!url || !allowed) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'returnUrl is not on the allow-list', {
        reason: 'return_url_not_allowed',
      });
    }
    return url.href;
  }

  private pendingOf(row: PaymentConsentRow): PendingAuthorisation['pending'] | undefined {
    if (row.status !== PaymentConsentStatus.AwaitingAuthorisation || !row.bankSessionSealed) {
      return undefined;
    }
    const value = this.deps.keys.unseal<Partial<PendingAuthorisation>>(
      row.bankSessionSealed,
      sessionBox(row.id),
    );
    return value.pending;
  }

  /** Compare-and-set on the sealed pending authorisation: a replay finds nothing to spend. */
  private async spendState(row: { id: string; bankSessionSealed: string | null }): Promise<void> {
    const claimed = await this.deps.db.domesticPaymentConsent.updateMany({
      where: { id: row.id, bankSessionSealed: row.bankSessionSealed },
      data: { bankSessionSealed: null, updatedAt: this.deps.clock.now() },
    });
    if (claimed.count !== 1) {
      throw conflict('This bank authorisation was already used', { reason: 'state_used' });
    }
  }

  private async setStatus(id: string, status: string): Promise<void> {
    await this.deps.db.domesticPaymentConsent.updateMany({
      where: { id, status: PaymentConsentStatus.AwaitingAuthorisation },
      data: { status, updatedAt: this.deps.clock.now() },
    });
  }
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
