import { sandboxBankDirectory, sandboxBanks, type BankDefinition } from '../banks.ts';
import type { Config } from '../config/index.ts';

/**
 * The banks accounts and payments talk to: the configured ones, plus the sandbox banks
 * where the banks service runs them (on consecutive ports from SANDBOX_BANK_BASE_PORT).
 */
export function bankDirectoryOf(config: Config): BankDefinition[] {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const origin = (i: number) =>
    `http://${host.includes(':') ? `[${host}]` : host}:${config.sandbox.basePort + i}`;
  const sandbox = config.sandbox.enabled
    ? sandboxBankDirectory(sandboxBanks.map((_, i) => origin(i)))
    : [];
  return [...sandbox, ...config.banks];
}
