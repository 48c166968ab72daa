import type { BankStandard } from '../../../shared/bank-http/errors.ts';
import type { AccountIdentification } from '../services/identifiers.ts';
import type { PaymentConsentStatus, PaymentStatus } from './status.ts';

/**
 * One interface in front of every bank's payment initiation API. Money crosses it as a
 * decimal string; statuses come back in our vocabulary plus the bank's own code. Every
 * error is an AppError whose details carry the bankId (see shared/bank-http/errors.ts).
 */
export interface PaymentOrderForBank {
  /** Ours, at most 35 characters: InstructionIdentification / EndToEndIdentification. */
  instructionId: string;
  amount: string;
  currency: string;
  creditorName: string;
  creditor: AccountIdentification;
  reference: string;
  /** Absent: the PSU picks the account at the bank (OBIE only). */
  debtor?: AccountIdentification;
}

export interface BankConsentCreated {
  bankConsentId: string;
  status: PaymentConsentStatus;
}

/** What the PSU's authorisation at an OBIE bank yields: tokens for that one consent. */
export interface PisSession {
  accessToken: string;
  refreshToken?: string;
}

export interface BankPaymentState {
  status: PaymentStatus;
  bankStatus: string;
  /** A status reason code when the bank gives one (OBIE v4.0 StatusReason, e.g. AC01). */
  reason?: string;
}

export interface BankPaymentCreated extends BankPaymentState {
  bankPaymentId: string;
  /** Berlin Group: where the PSU authorises this payment (scaRedirect). */
  authorisationUrl?: string;
}

export interface CodeExchange {
  codeVerifier: string;
  redirectUri: string;
}

export interface SubmitContext {
  bankConsentId?: string;
  session?: PisSession;
  /** Derived from our own ids, so a retry after a lost answer finds the first payment. */
  idempotencyKey: string;
  /**
   * Berlin Group: where the bank sends the PSU after its own SCA page (TPP-Redirect-URI) and
   * after a refusal there (TPP-Nok-Redirect-URI). Without it the bank picks its own link.
   */
  redirect?: { uri: string; nokUri: string };
}

export interface PisConnector {
  readonly bankId: string;
  readonly standard: BankStandard;
  /**
   * OBIE: POST domestic-payment-consents. Berlin Group has no payment consent (the payment
   * itself is authorised after initiation), so it answers undefined without a call.
   */
  createConsent(
    order: PaymentOrderForBank,
    idempotencyKey: string,
  ): Promise<BankConsentCreated | undefined>;
  /**
   * OBIE: exchanges the code the bank redirected back with for the PSU's tokens; with the
   * PKCE verifier and redirect URI when we sent the PSU to the bank's login ourselves.
   */
  completeAuthorisation(code: string, binding?: CodeExchange): Promise<PisSession>;
  submit(order: PaymentOrderForBank, context: SubmitContext): Promise<BankPaymentCreated>;
  status(bankPaymentId: string): Promise<BankPaymentState>;
  /** Where the PSU authorises a consent, when we know how to build it (sandbox banks). */
  consentAuthorisationUrl(bankConsentId: string): string | undefined;
}
