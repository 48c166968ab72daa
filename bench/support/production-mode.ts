/**
 * Imported first by every bench entry point, before anything loads graphql-js: the product's
 * CLI runs its services with NODE_ENV=production unless told otherwise (src/cli.ts), and a
 * bench measures what the product runs. Under vitest (the benches' smoke tests) it stays
 * "test".
 */
process.env.NODE_ENV ||= 'production';

export const nodeEnv = process.env.NODE_ENV;
