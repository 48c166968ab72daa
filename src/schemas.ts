import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSupergraph, type SubgraphSdl } from './gateway/compose.ts';
import { loadConfig, type Config } from './shared/config/index.ts';
import { startSystem } from './system.ts';

/**
 * The subgraph SDLs as the code prints them, and the supergraph composed with the
 * configured subgraph URLs: what schema/ must hold. Built by starting a throwaway system.
 */
export async function buildAllSchemas(
  config: Config,
): Promise<{ subgraphs: SubgraphSdl[]; supergraph: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ledgergraph-schema-'));
  const system = await startSystem(
    loadConfig({
      DATA_DIR: dir,
      PORT: '0',
      CONSENT_PORT: '0',
      ACCOUNTS_PORT: '0',
      PAYMENTS_PORT: '0',
      SEED_DEMO_DATA: 'false',
      SANDBOX_BANKS: 'false',
    }),
  );
  try {
    const subgraphs: SubgraphSdl[] = (['consent', 'accounts', 'payments'] as const).map((name) => ({
      name,
      url: config.subgraphUrls[name],
      sdl: system.sdl[name],
    }));
    return { subgraphs, supergraph: composeSupergraph(subgraphs) };
  } finally {
    await system.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
