import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM builds; Apollo and type-graphql load the CJS one. Two copies
    // break instanceof checks ("Cannot use GraphQLObjectType from another module or realm"),
    // so tests resolve to the same single instance production runs with.
    alias: { graphql: require.resolve('graphql') },
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Files share a fork and its loaded modules instead of one fresh fork each. Most files
    // start a system, and importing it (Hive's runtime and router, Apollo, type-graphql,
    // oidc-provider) took 3–7 s per file: 297 s of the suite's 683 s in "collect" on the
    // 2-core machine, 28–33 s without isolation (suite 417–485 s). Files leave nothing behind
    // that another reads: process.env changes, fake timers and chdir are undone in afterEach,
    // metrics are read as differences, every system gets its own stores and ports. Checked with
    // the file order shuffled (`--sequence.shuffle.files`, seeds 4242 and 777): all pass.
    isolate: false,
    // Vitest's default is one fork fewer than the cores: one on CI's two. Most files spend
    // their time waiting on servers, banks and processes they start, so two forks there cut
    // the suite's wall time by about 40 % (measured on 42 end-to-end files: 395 s of work in
    // 220 s) without failures.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    minWorkers: 1,
  },
});
