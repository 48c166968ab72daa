import type { BankStandard } from './bank-http/errors.ts';

/**
 * A bank the aggregator can connect PSUs to: where its open-banking API is and how the
 * aggregator authenticates to it. Both the accounts and the payments subgraph read this
 * directory; each builds its own connectors from it.
 */
export interface BankDefinition {
  id: string;
  name: string;
  standard: BankStandard;
  /** OBIE only: the Read/Write API version the bank runs. */
  obieVersion?: '3.1.11' | '4.0';
  /** Origin of the bank's API, e.g. https://api.bank.example */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** True for the embedded sandbox banks, whose PSU login is simulated. */
  sandbox: boolean;
  /**
   * ISO 3166-1 alpha-2 country the bank is regulated in: which jurisdiction's rules apply
   * to its accounts and transactions (src/shared/jurisdiction). Checked at start.
   */
  country: string;
}

/** The sandbox banks: one per wire format seen in the field, on consecutive ports. */
export const sandboxBanks = [
  {
    id: 'sandbox-obie',
    name: 'Sandbox Bank UK (OBIE 3.1.11)',
    standard: 'obie',
    obieVersion: '3.1.11',
    country: 'GB',
  },
  {
    id: 'sandbox-obie-v4',
    name: 'Sandbox Bank UK (OBIE 4.0)',
    standard: 'obie',
    obieVersion: '4.0',
    country: 'GB',
  },
  {
    id: 'sandbox-bg',
    name: 'Sandbox Bank DE (Berlin Group)',
    standard: 'berlin-group',
    country: 'DE',
  },
] as const;

/** The sandbox banks as a directory entry each, at the given origins (in `sandboxBanks` order). */
export function sandboxBankDirectory(urls: readonly string[]): BankDefinition[] {
  return sandboxBanks.map((b, i) => ({
    id: b.id,
    name: b.name,
    standard: b.standard,
    ...('obieVersion' in b ? { obieVersion: b.obieVersion } : {}),
    baseUrl: urls[i]!,
    clientId: 'ledgergraph',
    clientSecret: 'sandbox-secret',
    sandbox: true,
    country: b.country,
  }));
}
