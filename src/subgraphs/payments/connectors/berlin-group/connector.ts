import { isIP } from 'node:net';
import { BankHttpClient, type BankHttpClientOptions } from '../../../../shared/bank-http/client.ts';
import { malformedResponse } from '../../../../shared/bank-http/errors.ts';
import { badInput } from '../../../../shared/errors/index.ts';
import type {
  BankPaymentCreated,
  BankPaymentState,
  PaymentOrderForBank,
  PisConnector,
  PisSession,
  SubmitContext,
} from '../connector.ts';
import { paymentStatusOf } from '../status.ts';
import { paymentInitiated, paymentStatus } from './schemas.ts';

export interface BerlinGroupPisConnectorOptions {
  bankId: string;
  baseUrl: string;
  /** PSU-IP-Address is required on initiation; the spec says to send the TPP's when the PSU's is not known. */
  tppIpAddress: string;
  http?: Omit<BankHttpClientOptions, 'bankId' | 'standard'>;
}

const product = 'sepa-credit-transfers';

/**
 * Berlin Group SEPA credit transfers. There is no payment consent: the payment is initiated
 * (RCVD) and the PSU then authorises that payment at the bank (scaRedirect). The POST carries
 * no idempotency key (the standard has none), so the HTTP client never retries it; a payment
 * left behind by a lost answer is harmless, since only the payment whose link we hand out
 * can be authorised by the PSU.
 */
export class BerlinGroupPisConnector implements PisConnector {
  readonly standard = 'berlin-group' as const;
  readonly bankId: string;
  readonly http: BankHttpClient;
  private readonly apiUrl: string;

  constructor(private readonly options: BerlinGroupPisConnectorOptions) {
    if (isIP(options.tppIpAddress) === 0) throw new Error('tppIpAddress must be an IP address');
    this.bankId = options.bankId;
    this.apiUrl = `${options.baseUrl.replace(/\/+$/, '')}/v1/payments/${product}`;
    this.http = new BankHttpClient({
      ...options.http,
      bankId: options.bankId,
      standard: 'berlin-group',
    });
  }

  createConsent(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  completeAuthorisation(): Promise<PisSession> {
    return Promise.reject(
      badInput(
        'Berlin Group banks authorise the payment itself: submit it, then send the PSU to its authorisationUrl',
        { bankId: this.bankId },
      ),
    );
  }

  /**
   * With `context.redirect`, the bank's scaRedirect is its own login and approval page,
   * which sends the PSU back to us (TPP-Redirect-URI, or TPP-Nok-Redirect-URI on refusal).
   */
  async submit(
    order: PaymentOrderForBank,
    context?: Pick<SubmitContext, 'redirect'>,
  ): Promise<BankPaymentCreated> {
    if (order.debtor?.scheme !== 'IBAN' || order.creditor.scheme !== 'IBAN') {
      throw badInput('SEPA credit transfers need the debtor and creditor IBANs', {
        bankId: this.bankId,
      });
    }
    const endpoint = `POST /v1/payments/${product}`;
    const response = await this.http.request(
      {
        method: 'POST',
        url: new URL(this.apiUrl),
        endpoint,
        headers: {
          'PSU-IP-Address': this.options.tppIpAddress,
          ...(context?.redirect
            ? {
                'TPP-Redirect-Preferred': 'true',
                'TPP-Redirect-URI': context.redirect.uri,
                'TPP-Nok-Redirect-URI': context.redirect.nokUri,
              }
            : {}),
        },
        json: {
          endToEndIdentification: order.instructionId,
          instructedAmount: { currency: order.currency, amount: order.amount },
          debtorAccount: { iban: order.debtor.identification },
          creditorAccount: { iban: order.creditor.identification },
          creditorName: order.creditorName,
          remittanceInformationUnstructured: order.reference,
        },
      },
      paymentInitiated,
    );
    const { paymentId, transactionStatus, _links: links } = response.body;
    const authorisationUrl = links?.scaRedirect?.href;
    return {
      bankPaymentId: paymentId,
      ...this.state(endpoint, transactionStatus),
      ...(authorisationUrl ? { authorisationUrl } : {}),
    };
  }

  async status(bankPaymentId: string): Promise<BankPaymentState> {
    const endpoint = `GET /v1/payments/${product}/{paymentId}/status`;
    const response = await this.http.request(
      {
        method: 'GET',
        url: new URL(`${this.apiUrl}/${encodeURIComponent(bankPaymentId)}/status`),
        endpoint,
      },
      paymentStatus,
    );
    return this.state(endpoint, response.body.transactionStatus);
  }

  consentAuthorisationUrl(): undefined {
    return undefined;
  }

  private state(endpoint: string, bankStatus: string): BankPaymentState {
    const status = paymentStatusOf(bankStatus);
    if (!status) throw malformedResponse(this.bankId, endpoint, `unknown status ${bankStatus}`);
    return { status, bankStatus };
  }
}
