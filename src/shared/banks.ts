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
}
