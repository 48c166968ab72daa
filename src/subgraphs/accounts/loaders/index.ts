import DataLoader from 'dataloader';
import type { SubgraphContext } from '../../../shared/auth/context.ts';
import { unauthenticated } from '../../../shared/errors/index.ts';
import type { Account, Balance } from '../schema/account.type.ts';
import type { AccountService } from '../services/account.service.ts';

export function createAccountLoaders(accounts: AccountService, base: SubgraphContext) {
  return {
    account: new DataLoader<string, Account | null>((ids) => {
      if (!base.principal) throw unauthenticated();
      return accounts.byIds(base.principal, base.grant, ids);
    }),
    balances: new DataLoader<string, Balance[]>((ids) => accounts.balances(ids)),
  };
}
export type AccountLoaders = ReturnType<typeof createAccountLoaders>;
