import type { BankHttpClientOptions } from '../../../shared/bank-http/client.ts';
import type { BankDefinition } from '../../../shared/banks.ts';
import { BerlinGroupPisConnector } from './berlin-group/connector.ts';
import type { PisConnector } from './connector.ts';
import { ObiePisConnector } from './obie/connector.ts';

export type * from './connector.ts';
export { BerlinGroupPisConnector, ObiePisConnector };

export interface PisConnectorSettings {
  tppIpAddress: string;
  http?: Omit<BankHttpClientOptions, 'bankId' | 'standard'>;
}

/** One per bank, built at start-up and kept: it owns that bank's circuit breakers. */
export function createPisConnector(
  bank: BankDefinition,
  settings: PisConnectorSettings,
): PisConnector {
  if (bank.standard === 'obie') {
    return new ObiePisConnector({
      bankId: bank.id,
      version: bank.obieVersion ?? '3.1.11',
      baseUrl: bank.baseUrl,
      clientId: bank.clientId,
      clientSecret: bank.clientSecret,
      sandbox: bank.sandbox,
      http: settings.http,
    });
  }
  return new BerlinGroupPisConnector({
    bankId: bank.id,
    baseUrl: bank.baseUrl,
    tppIpAddress: settings.tppIpAddress,
    http: settings.http,
  });
}
