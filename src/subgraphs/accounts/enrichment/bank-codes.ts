import { cat, type Category } from './taxonomy.ts';

/**
 * ISO 20022 bank transaction codes (Domain-Family-SubFamily, as Berlin Group sends them;
 * OBIE spells family and sub-family out by name) and common UK proprietary codes, to our
 * categories. Our own table over the published ISO external code list. A bank code says
 * how money moved, rarely what for, so confidences stay low except where the kind is the
 * purpose (cash, interest, fees, refunds).
 */
export type Direction = 'Credit' | 'Debit';

interface Guess {
  category: Category;
  confidence: number;
}

/** OBIE's spelled-out names for the ISO family and sub-family codes we use. */
const familyNames: Record<string, string> = {
  ReceivedCreditTransfers: 'RCDT',
  IssuedCreditTransfers: 'ICDT',
  ReceivedRealTimeCreditTransfers: 'RRCT',
  IssuedRealTimeCreditTransfers: 'IRCT',
  ReceivedDirectDebits: 'RDDT',
  IssuedDirectDebits: 'IDDT',
  CustomerCardTransactions: 'CCRD',
  MerchantCardTransactions: 'MCRD',
  CounterTransactions: 'CNTR',
  ReceivedCheques: 'RCHQ',
  IssuedCheques: 'ICHQ',
  MiscellaneousCreditOperations: 'MCOP',
  MiscellaneousDebitOperations: 'MDOP',
  CustomerAccountOperations: 'ACCT',
};
const subFamilyNames: Record<string, string> = {
  DomesticCreditTransfer: 'DMCT',
  CrossBorderCreditTransfer: 'XBCT',
  SEPACreditTransfer: 'ESCT',
  StandingOrder: 'STDO',
  Salary: 'SALA',
  SalaryPayment: 'SALA',
  DirectDebitPayment: 'PMDD',
  SEPACoreDirectDebit: 'ESDD',
  PointOfSalePayment: 'POSD',
  PointOfSalePaymentDebitCard: 'POSD',
  CreditCardPayment: 'POSC',
  CashWithdrawal: 'CWDL',
  CashDeposit: 'CDPT',
  Interest: 'INTR',
  Fees: 'FEES',
  Charges: 'CHRG',
  Commission: 'COMM',
  Reversal: 'RVSL',
  Reimbursement: 'RIMB',
  Taxes: 'TAXE',
};

/** "PMNT-RCDT-ESCT" or "ReceivedCreditTransfers/DomesticCreditTransfer" → family, sub-family. */
export function parseBankTransactionCode(
  code: string | null | undefined,
): { family: string; subFamily: string } | undefined {
  if (!code) return undefined;
  const iso = /^([A-Z]{4})-([A-Z]{4})-([A-Z]{4})$/.exec(code);
  if (iso) return { family: iso[2]!, subFamily: iso[3]! };
  const [family, subFamily = ''] = code.split('/');
  const f = familyNames[family!] ?? (/^[A-Z]{4}$/.test(family!) ? family! : undefined);
  if (!f) return undefined;
  return { family: f, subFamily: subFamilyNames[subFamily] ?? subFamily };
}

function fromIso(family: string, sub: string, direction: Direction): Guess | undefined {
  const credit = direction === 'Credit';
  if (sub === 'CWDL') return { category: cat('CASH', 'ATM_WITHDRAWAL'), confidence: 0.9 };
  if (sub === 'INTR') {
    return credit
      ? { category: cat('INCOME', 'INTEREST'), confidence: 0.9 }
      : { category: cat('BANK_FEES', 'OVERDRAFT'), confidence: 0.6 };
  }
  if (sub === 'CHRG' || sub === 'FEES' || sub === 'COMM') {
    return { category: cat('BANK_FEES', 'OTHER'), confidence: 0.85 };
  }
  if (sub === 'TAXE') return { category: cat('GOVERNMENT_AND_NON_PROFIT', 'TAX'), confidence: 0.8 };
  if ((sub === 'RVSL' || sub === 'RIMB') && credit) {
    return { category: cat('INCOME', 'REFUND'), confidence: 0.8 };
  }
  if (sub === 'SALA' && credit) return { category: cat('INCOME', 'WAGES'), confidence: 0.85 };
  if (sub === 'CDPT') return { category: cat('TRANSFER_IN', 'DEPOSIT'), confidence: 0.8 };
  switch (family) {
    case 'RCDT':
    case 'RRCT':
      return { category: cat('TRANSFER_IN', 'ACCOUNT_TRANSFER'), confidence: 0.5 };
    case 'ICDT':
    case 'IRCT':
      return { category: cat('TRANSFER_OUT', 'ACCOUNT_TRANSFER'), confidence: 0.5 };
    case 'RDDT':
    case 'IDDT':
      return credit
        ? { category: cat('TRANSFER_IN', 'ACCOUNT_TRANSFER'), confidence: 0.4 }
        : { category: cat('RENT_AND_UTILITIES', 'OTHER'), confidence: 0.4 };
    case 'CCRD':
    case 'MCRD':
      return credit
        ? { category: cat('INCOME', 'REFUND'), confidence: 0.5 }
        : { category: cat('GENERAL_MERCHANDISE', 'OTHER'), confidence: 0.3 };
    case 'MCOP':
      return { category: cat('INCOME', 'OTHER_INCOME'), confidence: 0.4 };
    case 'MDOP':
      return { category: cat('BANK_FEES', 'OTHER'), confidence: 0.4 };
    default:
      return undefined;
  }
}

/** Common UK bank statement codes (issuer-specific, but widely shared). */
function fromProprietary(code: string, direction: Direction): Guess | undefined {
  const credit = direction === 'Credit';
  switch (code.toUpperCase()) {
    case 'ATM':
    case 'CPT':
      return { category: cat('CASH', 'ATM_WITHDRAWAL'), confidence: 0.9 };
    case 'BGC':
      return credit ? { category: cat('INCOME', 'WAGES'), confidence: 0.6 } : undefined;
    case 'INT':
      return credit
        ? { category: cat('INCOME', 'INTEREST'), confidence: 0.9 }
        : { category: cat('BANK_FEES', 'OVERDRAFT'), confidence: 0.6 };
    case 'CHG':
    case 'FEE':
      return { category: cat('BANK_FEES', 'OTHER'), confidence: 0.85 };
    case 'DD':
      return credit ? undefined : { category: cat('RENT_AND_UTILITIES', 'OTHER'), confidence: 0.4 };
    case 'SO':
    case 'FPO':
    case 'TFR':
      return credit
        ? { category: cat('TRANSFER_IN', 'ACCOUNT_TRANSFER'), confidence: 0.5 }
        : { category: cat('TRANSFER_OUT', 'ACCOUNT_TRANSFER'), confidence: 0.5 };
    case 'FPI':
      return { category: cat('TRANSFER_IN', 'ACCOUNT_TRANSFER'), confidence: 0.5 };
    case 'REF':
      return credit ? { category: cat('INCOME', 'REFUND'), confidence: 0.8 } : undefined;
    case 'DEP':
      return { category: cat('TRANSFER_IN', 'DEPOSIT'), confidence: 0.7 };
    case 'POS':
    case 'DEB':
      return credit
        ? { category: cat('INCOME', 'REFUND'), confidence: 0.5 }
        : { category: cat('GENERAL_MERCHANDISE', 'OTHER'), confidence: 0.3 };
    default:
      return undefined;
  }
}

/** The better-supported guess of the ISO and the proprietary code, if either names one. */
export function categoryForBankCodes(
  bankTransactionCode: string | null | undefined,
  proprietaryCode: string | null | undefined,
  direction: Direction,
): Guess | undefined {
  const parsed = parseBankTransactionCode(bankTransactionCode);
  const iso = parsed ? fromIso(parsed.family, parsed.subFamily, direction) : undefined;
  const own = proprietaryCode ? fromProprietary(proprietaryCode, direction) : undefined;
  if (!iso) return own;
  if (!own) return iso;
  return own.confidence > iso.confidence ? own : iso;
}

const notToMerchants = new Set(['RCDT', 'ICDT', 'RRCT', 'IRCT', 'MCOP', 'MDOP', 'CNTR']);
const notToMerchantsSub = new Set(['CWDL', 'INTR', 'SALA', 'CHRG', 'FEES', 'COMM', 'CDPT', 'TAXE']);
const notToMerchantsOwn = new Set([
  'BGC',
  'FPI',
  'FPO',
  'SO',
  'TFR',
  'ATM',
  'CPT',
  'INT',
  'CHG',
  'FEE',
  'DEP',
]);

/**
 * False when the codes say the money went to or came from a person or the bank itself
 * (transfers, salary, interest, fees, cash): the line then names no merchant.
 */
export function mayNameMerchant(
  bankTransactionCode: string | null | undefined,
  proprietaryCode: string | null | undefined,
): boolean {
  const parsed = parseBankTransactionCode(bankTransactionCode);
  if (parsed && (notToMerchants.has(parsed.family) || notToMerchantsSub.has(parsed.subFamily))) {
    return false;
  }
  return !(proprietaryCode && notToMerchantsOwn.has(proprietaryCode.toUpperCase()));
}

/** When no code helps, the direction alone. */
export const byDirection = (direction: Direction): Guess =>
  direction === 'Credit'
    ? { category: cat('INCOME', 'OTHER_INCOME'), confidence: 0.2 }
    : { category: cat('OTHER', 'OTHER'), confidence: 0.1 };
