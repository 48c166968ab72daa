import type { SubgraphContext } from '../../../shared/auth/context.ts';
export { principalOf } from '../../../shared/auth/context.ts';
import type { AccountLoaders } from '../loaders/index.ts';
import type { Presence } from '../services/bank-data.service.ts';
import type { DataRead } from '../services/data-read.ts';

export interface AccountsContext extends SubgraphContext {
  loaders: AccountLoaders;
  presence: Presence;
  /** Accounts whose balances or transactions this request read (for the quarantine warning). */
  dataRead?: DataRead;
}
