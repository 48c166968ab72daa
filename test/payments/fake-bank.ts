import type { BankDefinition } from '../../src/shared/banks.ts';
import { upstreamUnavailable } from '../../src/shared/errors/index.ts';
import type {
  BankConsentCreated,
  BankPaymentCreated,
  BankPaymentState,
  PaymentOrderForBank,
  PisConnector,
  PisSession,
  SubmitContext,
} from '../../src/subgraphs/payments/connectors/connector.ts';
import type { PaymentStatus } from '../../src/subgraphs/payments/connectors/status.ts';

/** The definition the services are configured with for the fake bank below. */
export const fakeBank: BankDefinition = {
  id: 'fake-bank',
  name: 'Fake',
  standard: 'obie',
  obieVersion: '3.1.11',
  baseUrl: 'http://fake.test',
  clientId: 'c',
  clientSecret: 's',
  sandbox: true,
  country: 'GB',
};

/** An in-memory OBIE-like bank for service tests: counts calls, can be slow or down. */
export class FakePisConnector implements PisConnector {
  readonly standard = 'obie' as const;
  readonly calls = { createConsent: 0, completeAuthorisation: 0, submit: 0, status: 0 };
  /** Milliseconds every call takes, so tests can overlap requests. */
  delayMs = 0;
  /** The next call of this kind fails as a bank outage would. */
  failNext: keyof FakePisConnector['calls'] | undefined;
  statuses: PaymentStatus[] = ['AcceptedSettlementInProcess', 'AcceptedSettlementCompleted'];
  readonly submitted: { order: PaymentOrderForBank; context: SubmitContext }[] = [];

  constructor(readonly bankId = 'fake-bank') {}

  async createConsent(): Promise<BankConsentCreated> {
    await this.call('createConsent');
    return { bankConsentId: `bc-${this.calls.createConsent}`, status: 'AwaitingAuthorisation' };
  }

  async completeAuthorisation(code: string): Promise<PisSession> {
    await this.call('completeAuthorisation');
    return { accessToken: `psu-token-for-${code}`, refreshToken: 'refresh-secret' };
  }

  async submit(order: PaymentOrderForBank, context: SubmitContext): Promise<BankPaymentCreated> {
    await this.call('submit');
    this.submitted.push({ order, context });
    return { bankPaymentId: `bp-${this.calls.submit}`, status: 'Pending', bankStatus: 'Pending' };
  }

  async status(): Promise<BankPaymentState> {
    await this.call('status');
    const status = this.statuses.shift() ?? 'AcceptedSettlementCompleted';
    return { status, bankStatus: status };
  }

  consentAuthorisationUrl(): undefined {
    return undefined;
  }

  private async call(kind: keyof FakePisConnector['calls']): Promise<void> {
    this.calls[kind]++;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failNext === kind) {
      this.failNext = undefined;
      throw upstreamUnavailable(`Bank ${this.bankId} did not answer`, {
        bankId: this.bankId,
        reason: 'timeout',
      });
    }
  }
}
