import { BerlinGroupConnector } from './berlin-group/connector.js';
import type { BerlinGroupConnectorOptions } from './berlin-group/connector.js';
import type { Connector } from './connector.js';
import { ObieConnector } from './obie/connector.js';
import type { ObieConnectorOptions } from './obie/connector.js';

export type * from './connector.js';
export { skippedEntries } from './entries.js';
export type { OnSkippedEntry, SkippedEntry, SkipReason } from './entries.js';
export { groupByAccount } from './batching.js';
export type { BankErrorDetails, BankFailureReason } from '../../../shared/bank-http/errors.js';
export { BankHttpClient } from '../../../shared/bank-http/client.js';
export type {
  BankHttpClientOptions,
  BankRequest,
  BankResponse,
} from '../../../shared/bank-http/client.js';
export { CircuitBreakers } from '../../../shared/bank-http/circuit-breaker.js';
export type {
  CircuitBreakerOptions,
  CircuitState,
} from '../../../shared/bank-http/circuit-breaker.js';
export type { RetryOptions } from '../../../shared/bank-http/retry.js';
export type { Timing } from '../../../shared/bank-http/time.js';
export { BerlinGroupConnector, ObieConnector };
export type { BerlinGroupConnectorOptions, ObieConnectorOptions };
export type { ObieVersion } from './obie/schemas.js';

export type ConnectorConfig =
  | ({ standard: 'obie' } & ObieConnectorOptions)
  | ({ standard: 'berlin-group' } & BerlinGroupConnectorOptions);

/** Build one per bank at start-up and keep it: it owns that bank's circuit breakers. */
export function createConnector(config: ConnectorConfig): Connector {
  return config.standard === 'obie' ? new ObieConnector(config) : new BerlinGroupConnector(config);
}
