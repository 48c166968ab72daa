import type { BankDefinition } from '../shared/banks.ts';
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
}

/** The embedded default's banks: one per wire format seen in the field. */
const embedded = [
  {
    id: 'sandbox-obie',
    name: 'Sandbox Bank UK (OBIE 3.1.11)',
    standard: 'obie',
    obieVersion: '3.1.11',
  },
  {
    id: 'sandbox-obie-v4',
    name: 'Sandbox Bank UK (OBIE 4.0)',
    standard: 'obie',
    obieVersion: '4.0',
  },
  { id: 'sandbox-bg', name: 'Sandbox Bank DE (Berlin Group)', standard: 'berlin-group' },
] as const;

/** Starts the sandbox banks and describes them as the aggregator's bank directory. */
export async function startEmbeddedSandbox(o: EmbeddedSandboxOptions): Promise<{
  banks: BankDefinition[];
  handles: SandboxBank[];
  close(): Promise<void>;
}> {
  const handles: SandboxBank[] = [];
  try {
    for (const [i, b] of embedded.entries()) {
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
        }),
      );
    }
  } catch (e) {
    await Promise.all(handles.map((h) => h.close()));
    throw e;
  }
  return {
    handles,
    banks: embedded.map((b, i) => ({
      id: b.id,
      name: b.name,
      standard: b.standard,
      ...('obieVersion' in b ? { obieVersion: b.obieVersion } : {}),
      baseUrl: handles[i]!.url,
      clientId: 'ledgergraph',
      clientSecret: 'sandbox-secret',
      sandbox: true,
    })),
    close: async () => {
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}
