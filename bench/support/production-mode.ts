/**
 * Imported first by every bench entry point, before anything loads graphql-js: a bench
 * measures what the product runs, and the CLI runs its services in production mode unless
 * told otherwise (the same rule, src/shared/config/vendor-telemetry.ts). Under vitest (the
 * benches' smoke tests) it stays "test".
 */
import { productionUnlessSet } from '../../src/shared/config/vendor-telemetry.ts';

productionUnlessSet();

/** As the libraries saw it when they loaded (recorded in the benches' JSON). */
export const nodeEnv = process.env.NODE_ENV;
