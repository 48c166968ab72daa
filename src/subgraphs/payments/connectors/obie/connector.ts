import type { z } from 'zod';
import { BankHttpClient, type BankHttpClientOptions } from '../../../../shared/bank-http/client.ts';
import { malformedResponse } from '../../../../shared/bank-http/errors.ts';
import { badInput, isAppError } from '../../../../shared/errors/index.ts';
import type {
  BankConsentCreated,
  CodeExchange,
  BankPaymentCreated,
  BankPaymentState,
  PaymentOrderForBank,
  PisConnector,
  PisSession,
  SubmitContext,
} from '../connector.ts';
import { consentStatusOf, paymentStatusOf } from '../status.ts';
import {
  obieAuthorisationUrl,
  type AuthorisationRequest,
} from '../../../../shared/bank-auth/obie-authorisation.ts';
import { initiationOf } from './initiation.ts';
import { obiePisSchemas, tokenResponse, type ObiePisSchemas, type ObieVersion } from './schemas.ts';

export interface ObiePisConnectorOptions {
  bankId: string;
  version: ObieVersion;
  baseUrl: string;
  clientId: string;
  clientSecret?: string;
  /** Sandbox banks only: their simulated PSU login, which we can point a PSU at. */
  sandbox?: boolean;
  http?: Omit<BankHttpClientOptions, 'bankId' | 'standard'>;
}

const pisBase: Record<ObieVersion, string> = {
  '3.1.11': '/open-banking/v3.1/pisp',
  '4.0': '/open-banking/v4.0/pisp',
};

/** Client tokens are reused until shortly before they expire: one token call, not one per payment. */
const tokenMarginMs = 30_000;

/**
 * UK Open Banking domestic payments: a consent created with a client token, authorised by
 * the PSU at the bank, then the payment submitted with the PSU's token for that consent.
 */
export class ObiePisConnector implements PisConnector {
  readonly standard = 'obie' as const;
  readonly bankId: string;
  readonly http: BankHttpClient;
  private readonly origin: string;
  private readonly apiUrl: string;
  private readonly schemas: ObiePisSchemas;
  private clientToken: { value: string; expiresAt: number } | undefined;

  constructor(private readonly options: ObiePisConnectorOptions) {
    this.bankId = options.bankId;
    this.origin = options.baseUrl.replace(/\/+$/, '');
    this.apiUrl = this.origin + pisBase[options.version];
    this.schemas = obiePisSchemas[options.version];
    this.http = new BankHttpClient({ ...options.http, bankId: options.bankId, standard: 'obie' });
  }

  async createConsent(
    order: PaymentOrderForBank,
    idempotencyKey: string,
  ): Promise<BankConsentCreated> {
    const response = await this.http.request(
      {
        method: 'POST',
        url: new URL(`${this.apiUrl}/domestic-payment-consents`),
        endpoint: 'POST /domestic-payment-consents',
        headers: { authorization: `Bearer ${await this.token()}` },
        json: { Data: { Initiation: initiationOf(order, this.options.version) }, Risk: {} },
        idempotencyKey,
      },
      this.schemas.consent,
    );
    const { ConsentId, Status } = response.body.Data;
    const status = consentStatusOf(Status);
    if (!status) throw this.malformed('POST /domestic-payment-consents', Status);
    return { bankConsentId: ConsentId, status };
  }

  async completeAuthorisation(code: string, binding?: CodeExchange): Promise<PisSession> {
    try {
      const token = await this.tokenCall({
        grant_type: 'authorization_code',
        code,
        ...(binding
          ? { code_verifier: binding.codeVerifier, redirect_uri: binding.redirectUri }
          : {}),
      });
      return { accessToken: token.access_token, refreshToken: token.refresh_token };
    } catch (error) {
      // invalid_grant: wrong, used or expired code. The client can only get a fresh one.
      if (isAppError(error) && error.details['reason'] === 'bank_rejected_request') {
        throw badInput('The bank refused the authorisation code (wrong, used or expired)', {
          bankId: this.bankId,
          field: 'authorisationCode',
        });
      }
      throw error;
    }
  }

  async submit(order: PaymentOrderForBank, context: SubmitContext): Promise<BankPaymentCreated> {
    if (!context.bankConsentId || !context.session) {
      throw badInput('The payment consent has not been authorised at the bank', {
        bankId: this.bankId,
      });
    }
    const response = await this.http.request(
      {
        method: 'POST',
        url: new URL(`${this.apiUrl}/domestic-payments`),
        endpoint: 'POST /domestic-payments',
        headers: { authorization: `Bearer ${context.session.accessToken}` },
        json: {
          Data: {
            ConsentId: context.bankConsentId,
            Initiation: initiationOf(order, this.options.version),
          },
          Risk: {},
        },
        idempotencyKey: context.idempotencyKey,
      },
      this.schemas.payment,
    );
    return {
      bankPaymentId: response.body.Data.DomesticPaymentId,
      ...this.state('POST /domestic-payments', response.body.Data),
    };
  }

  async status(bankPaymentId: string): Promise<BankPaymentState> {
    const endpoint = 'GET /domestic-payments/{DomesticPaymentId}';
    const response = await this.http.request(
      {
        method: 'GET',
        url: new URL(`${this.apiUrl}/domestic-payments/${encodeURIComponent(bankPaymentId)}`),
        endpoint,
        headers: { authorization: `Bearer ${await this.token()}` },
      },
      this.schemas.payment,
    );
    return this.state(endpoint, response.body.Data);
  }

  /** The bank's authorization endpoint with our signed request object (scope payments). */
  bankAuthorisationUrl(
    request: Omit<AuthorisationRequest, 'scope'>,
    sign: (claims: Record<string, unknown>) => Promise<string>,
  ): Promise<string> {
    return obieAuthorisationUrl(
      new URL(this.origin),
      this.options.clientId,
      { ...request, scope: 'payments' },
      sign,
    );
  }

  consentAuthorisationUrl(): string | undefined {
    // A real bank's URL needs a signed request object (FAPI), which is not built yet.
    return this.options.sandbox ? `${this.origin}/__sandbox/authorise` : undefined;
  }

  private state(
    endpoint: string,
    data: { Status: string; StatusReason?: { StatusReasonCode?: string }[] | undefined },
  ): BankPaymentState {
    const status = paymentStatusOf(data.Status);
    if (!status) throw this.malformed(endpoint, data.Status);
    const reason = data.StatusReason?.find((r) => r.StatusReasonCode)?.StatusReasonCode;
    return { status, bankStatus: data.Status, ...(reason ? { reason } : {}) };
  }

  private async token(): Promise<string> {
    const now = this.http.now();
    if (this.clientToken && this.clientToken.expiresAt - tokenMarginMs > now) {
      return this.clientToken.value;
    }
    const token = await this.tokenCall({ grant_type: 'client_credentials', scope: 'payments' });
    this.clientToken = {
      value: token.access_token,
      expiresAt: now + (token.expires_in ?? 60) * 1000,
    };
    return token.access_token;
  }

  private async tokenCall(form: Record<string, string>): Promise<z.infer<typeof tokenResponse>> {
    const credentials: Record<string, string> = { client_id: this.options.clientId };
    if (this.options.clientSecret) credentials['client_secret'] = this.options.clientSecret;
    const response = await this.http.request(
      {
        method: 'POST',
        url: new URL(`${this.origin}/oauth/token`),
        endpoint: 'POST /oauth/token',
        form: { ...form, ...credentials },
      },
      tokenResponse,
    );
    return response.body;
  }

  private malformed(endpoint: string, status: string) {
    return malformedResponse(this.bankId, endpoint, `unknown status ${status.slice(0, 40)}`);
  }
}
