import type { SubgraphContext } from '../../../shared/auth/context.ts';
import { unauthenticated } from '../../../shared/errors/index.ts';
import type { AccountLoaders } from '../loaders/index.ts';
import type { Presence } from '../services/bank-data.service.ts';

export interface AccountsContext extends SubgraphContext {
  loaders: AccountLoaders;
  presence: Presence;
}

export const principalOf = (ctx: AccountsContext) => {
  if (!ctx.principal) throw unauthenticated();
  return ctx.principal;
};
