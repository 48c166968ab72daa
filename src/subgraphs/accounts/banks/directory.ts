import type { BankDefinition } from '../../../shared/banks.ts';
import type { Clock } from '../../../shared/clock.ts';
import { notFound } from '../../../shared/errors/index.ts';
import type { Logger } from '../../../shared/log/index.ts';
import { createConnector, type Connector } from '../connectors/index.ts';
import type { OnSkippedEntry } from '../connectors/entries.ts';
import {
  jurisdictionOf,
  rulesFor,
  type Jurisdiction,
  type JurisdictionRules,
} from '../../../shared/jurisdiction/index.ts';

export interface Bank {
  definition: BankDefinition;
  connector: Connector;
  /** From the bank's country; its accounts and transactions are under these rules. */
  jurisdiction: Jurisdiction;
  rules: Readonly<JurisdictionRules>;
}

/**
 * The banks this installation can connect PSUs to, each with its one long-lived connector
 * (which holds that bank's circuit breakers). Built once at start-up.
 */
export class BankDirectory {
  private readonly banks = new Map<string, Bank>();

  constructor(
    definitions: readonly BankDefinition[],
    options: { timeoutMs: number; clock: Clock; log?: Logger },
  ) {
    // Counted on the metric by the connector; named here for the operator.
    const log = options.log;
    const onSkippedEntry: OnSkippedEntry | undefined =
      log && ((entry) => log.warn('bank entry skipped', { ...entry }));
    // Session expiry and Retry-After dates are reckoned on the system's clock.
    const timing = { now: () => options.clock.now().getTime() };
    for (const d of definitions) {
      if (this.banks.has(d.id)) throw new Error(`Bank ${d.id} is defined twice`);
      // Throws for a country without rules: refused at start, not guessed per call.
      const jurisdiction = jurisdictionOf(d.country);
      const http = { timeoutMs: options.timeoutMs, timing };
      const connector =
        d.standard === 'obie'
          ? createConnector({
              standard: 'obie',
              bankId: d.id,
              version: d.obieVersion ?? '3.1.11',
              baseUrl: d.baseUrl,
              clientId: d.clientId,
              clientSecret: d.clientSecret,
              http,
              onSkippedEntry,
            })
          : createConnector({
              standard: 'berlin-group',
              bankId: d.id,
              baseUrl: d.baseUrl,
              http,
              onSkippedEntry,
            });
      this.banks.set(d.id, {
        definition: d,
        connector,
        jurisdiction,
        rules: rulesFor(jurisdiction),
      });
    }
  }

  get(bankId: string): Bank {
    const bank = this.banks.get(bankId);
    if (!bank) throw notFound(`No bank ${bankId}`);
    return bank;
  }

  find(bankId: string): Bank | undefined {
    return this.banks.get(bankId);
  }

  list(): BankDefinition[] {
    return [...this.banks.values()].map((b) => b.definition);
  }
}
