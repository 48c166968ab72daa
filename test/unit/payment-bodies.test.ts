import { describe, expect, it } from 'vitest';
import { paymentInitiated } from '../../src/subgraphs/payments/connectors/berlin-group/schemas.ts';
import { obiePisSchemas } from '../../src/subgraphs/payments/connectors/obie/schemas.ts';

/** Payment answers at the edges of the specs are read, not refused as malformed. */
describe('payment bodies at the edges of the specs', () => {
  it('OBIE: an odd StatusReason entry reads as no reason; the status and a good reason stay', () => {
    const parsed = obiePisSchemas['4.0'].payment.parse({
      Data: {
        DomesticPaymentId: 'dp-1',
        ConsentId: 'pdc-1',
        Status: 'RJCT',
        StatusReason: [{ StatusReasonCode: 'TOO-LONG' }, { StatusReasonCode: 'AM04' }],
      },
    });
    expect(parsed.Data.Status).toBe('RJCT');
    expect(parsed.Data.StatusReason).toEqual([{}, { StatusReasonCode: 'AM04' }]);
  });

  it('Berlin Group: a paymentId of any length (the spec sets none) and an empty href', () => {
    const paymentId = 'p'.repeat(300);
    const parsed = paymentInitiated.parse({
      transactionStatus: 'RCVD',
      paymentId,
      _links: { scaRedirect: { href: '' } },
    });
    expect(parsed.paymentId).toBe(paymentId);
    expect(parsed._links?.scaRedirect?.href).toBe('');
  });
});
