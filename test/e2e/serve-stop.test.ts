/**
 * A service run alone (`serve <service>`, as production runs each one) stops on SIGTERM by
 * its own orderly stop: exit 0, its store closed. Apollo Server's signal handler used to stop
 * the subgraph and send the signal again, killing the process half-way through ours.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startServiceProcess, storesLeftOpen } from '../support/processes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'lg-serve-stop-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('serve: a clean stop on SIGTERM', () => {
  it('consent alone exits 0 and leaves no WAL behind', async () => {
    const service = await startServiceProcess('consent', {
      DATA_DIR: dataDir,
      INTERNAL_CONTEXT_SECRET: 'serve-stop-test-internal-context-secret-0123456789',
      TOKEN_ISSUER: 'http://ledgergraph.test',
      CONSENT_PORT: String(await freePort()),
    });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      service.child.once('exit', (code, signal) => done({ code, signal })),
    );
    await service.stop();
    expect(await exit, service.output().slice(-2000)).toEqual({ code: 0, signal: null });
    expect(readdirSync(dataDir)).toContain('consent.db');
    expect(storesLeftOpen(dataDir)).toEqual([]);
  }, 90_000);
});
