import { jurisdictionOf, type Jurisdiction } from './countries.ts';

/**
 * The rules that are set by law per jurisdiction, in one place. Code that applies one of
 * them asks for it here by jurisdiction (or country) instead of holding its own number.
 */
export interface JurisdictionRules {
  /**
   * Reads of an account's data without the PSU present, per account and day.
   * UK: UK SCA-RTS (FCA) art. 36(5)(b); EU: Delegated Regulation (EU) 2018/389 (RTS)
   * art. 36(5)(b). Both four a day unless the PSU agreed a higher frequency with the bank.
   */
  unattendedReadsPerDay: number;
  /**
   * How long an account-information consent runs before the PSU must act again, in days.
   * UK: 90, and it is the aggregator that reconfirms with the PSU, no SCA at the bank
   * (UK SCA-RTS art. 10A, FCA PS21/19, in force 30 Sept 2022). EU: 180, SCA at the bank
   * (RTS art. 10a, inserted by Delegated Regulation (EU) 2022/2360, from 25 July 2023).
   */
  reauthenticationDays: number;
  /**
   * How long records of payment transactions must be kept, in days, which erasure must not
   * cut short (GDPR art. 17(3)(b)). UK: Payment Services Regulations 2017 reg. 25 and Money
   * Laundering Regulations 2017 reg. 40 (5 years); EU: PSD2 (Directive 2015/2366) art. 21
   * and AMLD (2015/849) art. 40 (5 years).
   */
  paymentRecordRetentionDays: number;
  /**
   * The least audit-log history kept, in days: PCI DSS 10.5.1 (12 months) in both; the
   * operator's AUDIT_RETENTION_DAYS may not go below the largest of these.
   */
  auditRetentionMinDays: number;
}

const fiveYears = 5 * 365 + 1;

export const rulesByJurisdiction: Readonly<Record<Jurisdiction, Readonly<JurisdictionRules>>> = {
  UK: {
    unattendedReadsPerDay: 4,
    reauthenticationDays: 90,
    paymentRecordRetentionDays: fiveYears,
    auditRetentionMinDays: 365,
  },
  EU: {
    unattendedReadsPerDay: 4,
    reauthenticationDays: 180,
    paymentRecordRetentionDays: fiveYears,
    auditRetentionMinDays: 365,
  },
};

export function rulesFor(jurisdiction: Jurisdiction): Readonly<JurisdictionRules> {
  return rulesByJurisdiction[jurisdiction];
}

/** The rules for a country; throws UnknownCountryError outside GB and the EEA. */
export function rulesForCountry(country: string): Readonly<JurisdictionRules> {
  return rulesFor(jurisdictionOf(country));
}

/** The strictest (largest) value of one rule over every jurisdiction, for a global floor. */
export function largest(rule: keyof JurisdictionRules): number {
  return Math.max(...Object.values(rulesByJurisdiction).map((r) => r[rule]));
}
