import { obieSchemeName } from '../../services/identifiers.ts';
import type { PaymentOrderForBank } from '../connector.ts';
import type { ObieVersion } from './schemas.ts';

/**
 * The Initiation block. The bank checks that the payment repeats the consent's Initiation
 * exactly, so both are built by this one function from the stored order.
 */
export function initiationOf(order: PaymentOrderForBank, version: ObieVersion) {
  return {
    InstructionIdentification: order.instructionId,
    EndToEndIdentification: order.instructionId,
    InstructedAmount: { Amount: order.amount, Currency: order.currency },
    ...(order.debtor
      ? {
          DebtorAccount: {
            SchemeName: obieSchemeName[order.debtor.scheme],
            Identification: order.debtor.identification,
          },
        }
      : {}),
    CreditorAccount: {
      SchemeName: obieSchemeName[order.creditor.scheme],
      Identification: order.creditor.identification,
      Name: order.creditorName,
    },
    // v4.0 replaced Reference with ISO 20022's unstructured remittance lines.
    RemittanceInformation:
      version === '4.0' ? { Unstructured: [order.reference] } : { Reference: order.reference },
  };
}
