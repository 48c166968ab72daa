import type { ConsentState, PaymentStage } from './dialect.js';

export interface PaymentConsent {
  consentId: string;
  createdAt: number;
  state: ConsentState;
  stateChangedAt: number;
  /** Echoed back exactly as the TPP sent them; payments must match them. */
  initiation: Record<string, unknown>;
  risk: Record<string, unknown>;
  /** Authorisation, SCASupportData, ReadRefundAccount when sent. */
  extras: Record<string, unknown>;
  psu?: string;
}

export interface DomesticPayment {
  paymentId: string;
  consentId: string;
  createdAt: number;
  /** The statuses this payment will walk through, one step per GET. */
  stages: readonly PaymentStage[];
  step: number;
  stageChangedAt: number;
  initiation: Record<string, unknown>;
}
