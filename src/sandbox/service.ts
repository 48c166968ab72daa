import { join } from 'node:path';
import { systemClock } from '../shared/clock.ts';
import type { Config } from '../shared/config/index.ts';
import { serviceLog, type ServiceDeps } from '../shared/service/index.ts';
import { startEmbeddedSandbox } from './embedded.ts';

/**
 * The banks service: the sandbox banks on consecutive ports from SANDBOX_BANK_BASE_PORT,
 * keeping their consents, tokens and payments under DATA_DIR/sandbox like a bank would, so
 * a restart loses nothing that Ledgergraph's stored connections rely on.
 */
export async function startBanksService(
  config: Config,
  deps: Pick<ServiceDeps, 'log' | 'clock'> = {},
) {
  const log = serviceLog(config, 'banks', deps);
  // The system's clock, so a test that freezes or moves it moves the banks' days too
  // (the Berlin Group bank's daily access limit, consent and token expiry).
  const clock = deps.clock ?? systemClock;
  const sandbox = await startEmbeddedSandbox({
    host: config.host,
    basePort: config.sandbox.basePort,
    seed: config.sandbox.seed,
    transactionsPerAccount: config.sandbox.transactionsPerAccount,
    accountsPerPsu: config.sandbox.accountsPerPsu,
    stateDir: join(config.dataDir, 'sandbox'),
    now: () => clock.now().getTime(),
  });
  log.debug('sandbox banks listening', { banks: sandbox.banks.map((b) => b.baseUrl) });
  return {
    name: 'banks' as const,
    banks: sandbox.banks,
    handles: sandbox.handles,
    stop: () => sandbox.close(),
  };
}
export type BanksServiceHandle = Awaited<ReturnType<typeof startBanksService>>;
