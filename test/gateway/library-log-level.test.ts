import { Logger as HiveLogger } from '@graphql-hive/gateway-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { narrowLogLevelForLibraries } from '../../src/shared/config/vendor-telemetry.ts';

// Hive's runtime builds loggers per subgraph executor and request, each reading LOG_LEVEL;
// with ours at `silent` that threw, and a gateway process answered its first requests 500.
describe("LOG_LEVEL as the gateway engine's own loggers read it", () => {
  const ours = process.env.LOG_LEVEL;
  afterEach(() => {
    if (ours === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = ours;
  });

  it('silent, which Hive refuses, becomes error before the engine exists', () => {
    process.env.LOG_LEVEL = 'silent';
    expect(() => new HiveLogger({ level: false })).toThrow(/Invalid LOG_LEVEL/);
    narrowLogLevelForLibraries();
    expect(process.env.LOG_LEVEL).toBe('error');
    expect(() => new HiveLogger({ attrs: { subgraph: 'accounts' } })).not.toThrow();
  });

  it('a level Hive knows is left alone, and so is no level', () => {
    for (const level of ['debug', 'info', 'warn', 'error']) {
      process.env.LOG_LEVEL = level;
      narrowLogLevelForLibraries();
      expect(process.env.LOG_LEVEL).toBe(level);
    }
    delete process.env.LOG_LEVEL;
    narrowLogLevelForLibraries();
    expect(process.env.LOG_LEVEL).toBeUndefined();
  });
});
