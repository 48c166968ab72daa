import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxBank } from '../../src/sandbox/index.ts';
import { startBanksService, type BanksServiceHandle } from '../../src/sandbox/service.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { loadConfig } from '../../src/shared/config/index.ts';
import { bgConsent, bgHeaders, http, psuAccounts } from './helpers.ts';

/** Frozen one minute before a UTC midnight years from now: only the test moves it. */
class FrozenClock implements Clock {
  time = Date.parse('2031-03-10T23:59:00Z');
  now = (): Date => new Date(this.time);
}

describe('the banks service on the injected clock', () => {
  const clock = new FrozenClock();
  let dir: string;
  let banks: BanksServiceHandle;
  let bank: SandboxBank;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-banks-clock-'));
    const config = loadConfig({
      DATA_DIR: dir,
      SANDBOX_BANK_BASE_PORT: '0',
      SANDBOX_TRANSACTIONS_PER_ACCOUNT: '5',
      LOG_LEVEL: 'silent',
    });
    banks = await startBanksService(config, { clock });
    bank = banks.handles.find((h) => h.id === 'sandbox-bg')!;
  });
  afterAll(async () => {
    await banks?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the Berlin Group bank's daily access limit starts afresh when the clock's day changes", async () => {
    const [account] = await psuAccounts(bank, 'alice');
    const id = await bgConsent(bank, { frequencyPerDay: 1, validUntil: '2031-06-01' });
    const read = async () =>
      (
        await http(`${bank.url}/v1/accounts/${account!.accountId}/balances`, {
          headers: bgHeaders({ 'Consent-ID': id }),
        })
      ).status;
    expect(await read()).toBe(200);
    expect(await read()).toBe(429);
    // Two minutes on the clock, none in real time: a new UTC day for the bank.
    clock.time += 2 * 60_000;
    expect(await read()).toBe(200);
    expect(await read()).toBe(429);
  });
});
