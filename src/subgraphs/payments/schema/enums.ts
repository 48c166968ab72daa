import { registerEnumType } from 'type-graphql';
import { PaymentConsentStatus, PaymentStatus } from '../connectors/status.ts';
import { AccountScheme } from '../services/identifiers.ts';
import { RiskFlag, ScaReason } from '../services/risk.ts';

registerEnumType(PaymentStatus, {
  name: 'PaymentStatus',
  description:
    'UK Open Banking v3.1 payment states (v4.0 and Berlin Group ISO 20022 codes map onto them), plus HeldForReview: flagged by our risk rules and not sent',
});
registerEnumType(PaymentConsentStatus, {
  name: 'PaymentConsentStatus',
  description: 'UK Open Banking v3.1 payment consent states',
});
registerEnumType(AccountScheme, {
  name: 'PaymentAccountScheme',
  description: 'How an account is identified: UK sort code + account number (14 digits), or IBAN',
});
registerEnumType(ScaReason, {
  name: 'ScaReason',
  description: 'Why a payment needs strong customer authentication before submission',
});
registerEnumType(RiskFlag, {
  name: 'PaymentRiskFlag',
  description: 'Why a payment was held for review instead of sent',
});

export { AccountScheme, PaymentConsentStatus, PaymentStatus, RiskFlag, ScaReason };
