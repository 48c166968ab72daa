/**
 * The payee a transaction belongs to, for grouping into streams. A clean merchant or a
 * counterparty name wins; otherwise the narrative is reduced to its stable words: payment
 * rails ("DIRECT DEBIT"), card-network prefixes ("CRV*", "SQ *"), store numbers, references
 * and dates change from one payment to the next, the payee's name does not.
 */
export function payeeKey(t: {
  merchantName?: string | null;
  counterpartyName?: string | null;
  description?: string | null;
}): string {
  const named = t.merchantName?.trim() || t.counterpartyName?.trim();
  if (named) return `n:${named.toUpperCase()}`;
  return `d:${narrativeKey(t.description ?? '')}`;
}

const rails =
  /\b(DIRECT DEBIT|DD|STANDING ORDER|STO|SO|FASTER PAYMENT|FPS|FP|BGC|BACS|CHAPS|CARD PAYMENT|POS|VIS|VISA|MC|MASTERCARD|CONTACTLESS|LASTSCHRIFT|DAUERAUFTRAG|UEBERWEISUNG|GUTSCHRIFT|SEPA|KARTENZAHLUNG|ONLINE|REF|MANDAT|MANDATE|END-TO-END|EREF|MREF|CRED|SVWZ|TO|FROM)\b/g;

export function narrativeKey(description: string): string {
  const words = description
    .toUpperCase()
    // Card-network and payment-facilitator prefixes ("SQ *", "CRV*", "PAYPAL *") and the
    // order or trip references after a star ("AMZN MKTP UK*AB12CD").
    .replace(/\b(SQ|CRV|SUMUP|ZETTLE|IZ|PAYPAL|PP|SP|TST|GOOGLE|APPLE\.COM\/BILL)\s*\*/g, ' ')
    .replace(/\*\S*/g, ' ')
    .replace(rails, ' ')
    .replace(/[^A-ZÄÖÜß ]+/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 1);
  // Locations trail the name ("TESCO STORES 3412 LEEDS GB"): the first words carry the payee.
  return words.slice(0, 2).join(' ');
}
