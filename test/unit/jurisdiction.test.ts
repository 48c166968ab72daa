import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/shared/config/index.ts';
import {
  jurisdictionOf,
  largest,
  rulesFor,
  rulesForCountry,
  UnknownCountryError,
} from '../../src/shared/jurisdiction/index.ts';

const bank = (country?: string) => ({
  id: 'real',
  name: 'Real Bank',
  standard: 'obie',
  baseUrl: 'https://bank.example',
  clientId: 'c',
  clientSecret: 's',
  ...(country === undefined ? {} : { country }),
});

describe('jurisdiction', () => {
  it('GB is the UK, EEA countries are the EU', () => {
    expect(jurisdictionOf('GB')).toBe('UK');
    for (const c of ['DE', 'FR', 'IE', 'NL', 'NO', 'IS', 'LI'])
      expect(jurisdictionOf(c)).toBe('EU');
  });

  it('a country outside both is refused, never guessed', () => {
    for (const c of ['US', 'CH', 'UK', 'gb', 'de', '', 'EU'])
      expect(() => jurisdictionOf(c)).toThrow(UnknownCountryError);
  });

  it('the rules that differ: re-authentication 90 days in the UK, 180 in the EU', () => {
    expect(rulesFor('UK')).toMatchObject({ reauthenticationDays: 90, unattendedReadsPerDay: 4 });
    expect(rulesFor('EU')).toMatchObject({ reauthenticationDays: 180, unattendedReadsPerDay: 4 });
    expect(rulesForCountry('DE')).toBe(rulesFor('EU'));
    expect(rulesForCountry('GB').paymentRecordRetentionDays).toBeGreaterThanOrEqual(5 * 365);
    expect(largest('reauthenticationDays')).toBe(180);
  });

  it('a configured bank must name a known country (refused at start)', () => {
    expect(loadConfig({ BANKS: JSON.stringify([bank('DE')]) }).banks[0]!.country).toBe('DE');
    for (const b of [bank(), bank('US')]) {
      try {
        loadConfig({ BANKS: JSON.stringify([b]) });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).problems.join('\n')).toMatch(/BANKS.*0\.country/);
      }
    }
  });

  it('audit retention may not go below the largest minimum of any jurisdiction', () => {
    expect(() =>
      loadConfig({ AUDIT_RETENTION_DAYS: String(largest('auditRetentionMinDays') - 1) }),
    ).toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
