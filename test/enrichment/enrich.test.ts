/** The pure enrichment: tables, merchant cleaning, precedence, the Basic view, the model. */
import { describe, expect, it } from 'vitest';
import { categoryForBankCodes } from '../../src/subgraphs/accounts/enrichment/bank-codes.ts';
import {
  basicEnrichment,
  cat,
  categoryOf,
  cleanMerchant,
  detailedCategories,
  enrichTransaction,
  modelTokens,
  type EnrichmentInput,
} from '../../src/subgraphs/accounts/enrichment/index.ts';
import { categoryForMcc } from '../../src/subgraphs/accounts/enrichment/mcc.ts';
import { knownMerchants } from '../../src/subgraphs/accounts/enrichment/merchant-dictionary.ts';
import { emptyModel, predict, train } from '../../src/subgraphs/accounts/enrichment/model.ts';

const card: EnrichmentInput = {
  creditDebit: 'Debit',
  description: 'TESCO STORES 3297 LONDON',
  merchantName: 'Tesco Stores',
  merchantCategoryCode: '5411',
  bankTransactionCode: 'CustomerCardTransactions/PointOfSalePayment',
  proprietaryBankTransactionCode: 'POS',
};

describe('clean merchants', () => {
  it.each([
    ['TESCO STORES 3297 LONDON', 'Tesco'],
    ['TESCO EXPRESS', 'Tesco'],
    ['CRV*COSTA COFFEE 12/03 MANCHESTER', 'Costa Coffee'],
    ['PAYPAL *NETFLIX.COM 4029357733', 'Netflix'],
    ['AMZN MKTP UK*2K4LX9', 'Amazon'],
    ['SQ *JOES BAKERY LONDON GB', 'Joes Bakery'],
    ['SUMUP *THE CORNER CAFE 19MAR', 'The Corner Cafe'],
  ])('%s → %s', (raw, name) => {
    expect(cleanMerchant(raw)?.name).toBe(name);
  });

  it('gives aliases of one merchant one id, and different merchants different ids', () => {
    const id = (s: string) => cleanMerchant(s)!.id;
    expect(id('TESCO STORES 3297 LONDON')).toBe(id('TESCO EXPRESS'));
    expect(id('Tesco Metro 12')).toBe(id('TESCO'));
    expect(id('SQ *JOES BAKERY LONDON')).toBe(id('JOES BAKERY 0042'));
    expect(id('TESCO EXPRESS')).not.toBe(id("SAINSBURY'S LOCAL"));
    expect(id('TESCO')).toMatch(/^mer_[\w-]{16}$/);
  });

  it('names no merchant in a line of numbers and codes', () => {
    expect(cleanMerchant('123456 / 12.03.2026')).toBeUndefined();
  });

  it('every dictionary entry maps to a category of the taxonomy and finds itself', () => {
    for (const m of knownMerchants) {
      expect(categoryOf(m.category.detailed)).toBe(m.category);
      expect(cleanMerchant(m.name)?.known).toBe(m);
    }
  });
});

describe('code tables', () => {
  it('MCC: single codes before their ranges; unknown and malformed codes say nothing', () => {
    expect(categoryForMcc('5541')?.category.detailed).toBe('TRANSPORTATION_FUEL');
    expect(categoryForMcc('5411')?.category.detailed).toBe('FOOD_AND_DRINK_GROCERIES');
    expect(categoryForMcc('6011')?.category.detailed).toBe('CASH_ATM_WITHDRAWAL');
    expect(categoryForMcc('3005')?.category.detailed).toBe('TRAVEL_FLIGHTS');
    expect(categoryForMcc('0001')).toBeUndefined();
    expect(categoryForMcc('54x1')).toBeUndefined();
  });

  it('ISO 20022 codes in both spellings, and proprietary codes, by direction', () => {
    const d = (code: string, prop: string | null, dir: 'Credit' | 'Debit') =>
      categoryForBankCodes(code, prop, dir)?.category.detailed;
    expect(d('PMNT-CCRD-CWDL', null, 'Debit')).toBe('CASH_ATM_WITHDRAWAL');
    expect(d('CustomerCardTransactions/CashWithdrawal', null, 'Debit')).toBe('CASH_ATM_WITHDRAWAL');
    expect(d('ACMT-MCOP-INTR', null, 'Credit')).toBe('INCOME_INTEREST');
    expect(d('PMNT-RCDT-ESCT', 'BGC', 'Credit')).toBe('INCOME_WAGES');
    expect(d('PMNT-RCDT-ESCT', null, 'Credit')).toBe('TRANSFER_IN_ACCOUNT_TRANSFER');
    expect(d('PMNT-CCRD-RIMB', null, 'Credit')).toBe('INCOME_REFUND');
    expect(categoryForBankCodes('nonsense', 'XYZ', 'Debit')).toBeUndefined();
  });

  it('every detailed code is unique and starts with its primary', () => {
    expect(new Set(detailedCategories).size).toBe(detailedCategories.length);
    for (const d of detailedCategories)
      expect(d.startsWith(`${categoryOf(d)!.primary}_`)).toBe(true);
  });
});

describe('precedence', () => {
  const known = cleanMerchant('TESCO')!;
  it('dictionary, then MCC, then bank codes, then the direction', () => {
    expect(enrichTransaction(card).reason).toBe('MERCHANT_DICTIONARY');
    const unknownShop = { ...card, merchantName: 'Corner Shop', description: 'CORNER SHOP 12' };
    expect(enrichTransaction(unknownShop)).toMatchObject({
      reason: 'MERCHANT_CATEGORY_CODE',
      category: { detailed: 'FOOD_AND_DRINK_GROCERIES' },
      merchant: { name: 'Corner Shop' },
    });
    const codesOnly = { creditDebit: 'Debit' as const, bankTransactionCode: 'PMNT-CCRD-CWDL' };
    expect(enrichTransaction(codesOnly).reason).toBe('BANK_TRANSACTION_CODE');
    expect(enrichTransaction({ creditDebit: 'Credit' }).reason).toBe('DEFAULT');
  });

  it('correction beats rule beats model beats defaults', () => {
    const games = cat('ENTERTAINMENT', 'GAMES');
    const bar = cat('FOOD_AND_DRINK', 'BAR');
    const model = emptyModel();
    for (let i = 0; i < 5; i++) train(model, modelTokens(card), 'GENERAL_SERVICES_OTHER');
    train(model, ['pret', 'manger'], 'FOOD_AND_DRINK_FAST_FOOD');
    const rules = new Map([[known.id, bar]]);
    expect(enrichTransaction(card, { correction: games, rules, model }).reason).toBe(
      'PSU_CORRECTION',
    );
    expect(enrichTransaction(card, { rules, model })).toMatchObject({
      reason: 'PSU_RULE',
      category: bar,
    });
    expect(enrichTransaction(card, { model })).toMatchObject({
      reason: 'MODEL',
      category: { detailed: 'GENERAL_SERVICES_OTHER' },
    });
  });

  it('Basic view: bank codes only, no merchant, no PSU teaching', () => {
    const games = cat('ENTERTAINMENT', 'GAMES');
    const e = enrichTransaction(card, { detail: false, correction: games });
    expect(e).toEqual(basicEnrichment(card));
    expect(e.merchant).toBeNull();
    expect(e.reason).toBe('BANK_TRANSACTION_CODE');
    // Nothing from the Detail fields changes the Basic answer.
    const stripped = { ...card, description: null, merchantName: null, merchantCategoryCode: null };
    expect(basicEnrichment(stripped)).toEqual(basicEnrichment(card));
  });

  it('transfers and salary name no merchant unless the line is a known one', () => {
    const salary = {
      creditDebit: 'Credit' as const,
      description: 'SALARY ACME WIDGETS LTD',
      bankTransactionCode: 'PMNT-RCDT-ESCT',
    };
    expect(enrichTransaction(salary).merchant).toBeNull();
    const dd = {
      creditDebit: 'Debit' as const,
      description: 'DIRECT DEBIT BRITISH GAS',
      bankTransactionCode: 'ReceivedDirectDebits/DirectDebitPayment',
    };
    expect(enrichTransaction(dd)).toMatchObject({
      merchant: { name: 'British Gas' },
      category: { detailed: 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY' },
    });
  });
});

describe('keywords and refunds', () => {
  const standingOrder = (description: string, counterpartyName: string) => ({
    creditDebit: 'Debit' as const,
    description,
    counterpartyName,
    bankTransactionCode: 'PMNT-ICDT-STDO',
    proprietaryBankTransactionCode: 'SO',
  });

  it.each([
    ['TRANSFER TO SAVINGS', 'Savings account', 'TRANSFER_OUT_SAVINGS'],
    ['UEBERTRAG SPARKONTO', 'Tagesgeldkonto', 'TRANSFER_OUT_SAVINGS'],
    ['GREENWAY PROPERTIES RENT', 'Greenway Properties', 'RENT_AND_UTILITIES_RENT'],
    ['MIETE HAUSVERWALTUNG SCHMIDT', 'Hausverwaltung Schmidt', 'RENT_AND_UTILITIES_RENT'],
    ['LEEDS CITY COUNCIL CTAX DD', 'Leeds City Council', 'GOVERNMENT_AND_NON_PROFIT_TAX'],
    ['AVIVA INSURANCE LTD DD', 'Aviva', 'GENERAL_SERVICES_INSURANCE'],
  ])('a debit "%s" says what it is for', (description, party, detailed) => {
    expect(enrichTransaction(standingOrder(description, party))).toMatchObject({
      reason: 'DESCRIPTION_KEYWORD',
      category: { detailed },
    });
  });

  it('salary words name wages on a credit only; a plain transfer stays a transfer', () => {
    const credit = { creditDebit: 'Credit' as const, bankTransactionCode: 'PMNT-RCDT-ESCT' };
    expect(
      enrichTransaction({ ...credit, description: 'LOHN/GEHALT MUELLER GMBH' }).category.detailed,
    ).toBe('INCOME_WAGES');
    expect(
      enrichTransaction({ ...standingOrder('SALARY ADVANCE', 'Bob'), creditDebit: 'Debit' })
        .category.detailed,
    ).toBe('TRANSFER_OUT_ACCOUNT_TRANSFER');
    expect(enrichTransaction({ ...credit, description: 'FROM BOB' }).category.detailed).toBe(
      'TRANSFER_IN_ACCOUNT_TRANSFER',
    );
  });

  it('a café the card scheme files as fast food is coffee, its refund too; not outside food', () => {
    const cafe = {
      ...card,
      merchantName: 'Bean There Coffee',
      description: 'SQ *BEAN THERE COFFEE',
      merchantCategoryCode: '5814',
    };
    expect(enrichTransaction(cafe).category.detailed).toBe('FOOD_AND_DRINK_COFFEE');
    const refund = {
      ...cafe,
      creditDebit: 'Credit' as const,
      proprietaryBankTransactionCode: 'REF',
    };
    expect(enrichTransaction(refund).category.detailed).toBe('FOOD_AND_DRINK_COFFEE');
    const bookshop = { ...cafe, merchantName: 'Coffee Table Books', merchantCategoryCode: '5942' };
    expect(enrichTransaction(bookshop).category.primary).toBe('GENERAL_MERCHANDISE');
  });

  it('a refund of a known merchant keeps its category when the bank names no merchant', () => {
    const refund = {
      creditDebit: 'Credit' as const,
      description: 'GUTSCHRIFT EDEKA CENTER 3660 KOELN',
      bankTransactionCode: 'PMNT-CCRD-RIMB',
    };
    expect(enrichTransaction(refund)).toMatchObject({
      reason: 'MERCHANT_DICTIONARY',
      category: { detailed: 'FOOD_AND_DRINK_GROCERIES' },
    });
    expect(cleanMerchant('DM FIL.0496 H:12900')?.name).toBe('dm-drogerie markt');
  });
});

describe('the naive Bayes model', () => {
  it('learns from examples, forgets them exactly, and stays quiet on unknown words', () => {
    const m = emptyModel();
    train(m, ['gym', 'monthly'], 'PERSONAL_CARE_GYM_AND_FITNESS');
    train(m, ['gym', 'pure'], 'PERSONAL_CARE_GYM_AND_FITNESS');
    train(m, ['vet', 'clinic'], 'GENERAL_SERVICES_OTHER');
    expect(predict(m, ['pure', 'gym'])!.category.detailed).toBe('PERSONAL_CARE_GYM_AND_FITNESS');
    expect(predict(m, ['vet'])!.category.detailed).toBe('GENERAL_SERVICES_OTHER');
    expect(predict(m, ['unheard'])).toBeUndefined();
    train(m, ['vet', 'clinic'], 'GENERAL_SERVICES_OTHER', -1);
    expect(m.docs['GENERAL_SERVICES_OTHER']).toBeUndefined();
    expect(predict(m, ['vet'])).toBeUndefined();
  });

  it('one class alone is not certain after one example', () => {
    const m = emptyModel();
    train(m, ['gym'], 'PERSONAL_CARE_GYM_AND_FITNESS');
    expect(predict(m, ['gym'])!.probability).toBeLessThan(0.7);
    for (let i = 0; i < 4; i++) train(m, ['gym'], 'PERSONAL_CARE_GYM_AND_FITNESS');
    expect(predict(m, ['gym'])!.probability).toBeGreaterThan(0.7);
  });
});
