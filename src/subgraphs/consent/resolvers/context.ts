import type { SubgraphContext } from '../../../shared/auth/context.ts';
import type { Principal } from '../../../shared/auth/principal.ts';
import { unauthenticated } from '../../../shared/errors/index.ts';
import type { ConsentLoaders } from '../loaders/index.ts';

export interface ConsentContext extends SubgraphContext {
  loaders: ConsentLoaders;
}

/** Shield already refused anonymous callers; this narrows the type and guards misuse. */
export function principalOf(ctx: SubgraphContext): Principal {
  if (!ctx.principal) throw unauthenticated();
  return ctx.principal;
}
