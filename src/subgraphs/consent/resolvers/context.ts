import type { SubgraphContext } from '../../../shared/auth/context.ts';
export { principalOf } from '../../../shared/auth/context.ts';
import type { ConsentLoaders } from '../loaders/index.ts';

export interface ConsentContext extends SubgraphContext {
  loaders: ConsentLoaders;
}
