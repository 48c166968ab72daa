import { sandboxBankDirectory, sandboxBanks, type BankDefinition } from '../shared/banks.ts';
import { startSandboxBank, type SandboxBank } from './index.ts';

export interface EmbeddedSandboxOptions {
  host: string;
  /** First port; the banks take consecutive ports. 0 = random free ports. */
  basePort: number;
  seed: number;
  transactionsPerAccount: number;
  accountsPerPsu?: number;
  /** Each bank keeps its state in `<stateDir>/<bank id>`; default: in memory only. */
  stateDir?: string;
  /** The banks' clock (consent and token expiry, daily access limits); default Date.now. */
  now?: () => number;
}

/** Starts the sandbox banks and describes them as the aggregator's bank directory. */
export async function startEmbeddedSandbox(o: EmbeddedSandboxOptions): Promise<{
  banks: BankDefinition[];
  handles: SandboxBank[];
  close(): Promise<void>;
}> {
  const handles: SandboxBank[] = [];
  try {
    for (const [i, b] of sandboxBanks.entries()) {
      handles.push(
        await startSandboxBank({
          id: b.id,
          standard: b.standard,
          ...('obieVersion' in b ? { obieVersion: b.obieVersion } : {}),
          seed: o.seed + i,
          host: o.host,
          port: o.basePort === 0 ? 0 : o.basePort + i,
          transactionsPerAccount: o.transactionsPerAccount,
          ...(o.accountsPerPsu ? { accountsPerPsu: o.accountsPerPsu } : {}),
          ...(o.stateDir ? { stateDir: o.stateDir } : {}),
          ...(o.now ? { now: o.now } : {}),
        }),
      );
    }
  } catch (e) {
    await Promise.all(handles.map((h) => h.close()));
    throw e;
  }
  return {
    handles,
    banks: sandboxBankDirectory(handles.map((h) => h.url)),
    close: async () => {
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}
