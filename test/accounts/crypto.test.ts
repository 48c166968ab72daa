import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/shared/config/index.ts';
import { connectionKeyFromFile } from '../../src/subgraphs/accounts/crypto/key-file.ts';
import { accountIdOf, transactionIdOf } from '../../src/subgraphs/accounts/crypto/ids.ts';

describe('accounts’ connection encryption key', () => {
  it('refuses a CONNECTION_ENCRYPTION_KEY that is not 256 bits', () => {
    expect(() =>
      loadConfig({ CONNECTION_ENCRYPTION_KEY: randomBytes(16).toString('base64') }),
    ).toThrow(/CONNECTION_ENCRYPTION_KEY/);
    const k = randomBytes(32).toString('base64');
    expect(loadConfig({ CONNECTION_ENCRYPTION_KEY: k }).accounts.encryptionKey).toBe(k);
  });

  it('is generated into DATA_DIR/connection-encryption.key when unset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-key-'));
    try {
      const first = connectionKeyFromFile(dir);
      expect(existsSync(join(dir, 'connection-encryption.key'))).toBe(true);
      expect(connectionKeyFromFile(dir)).toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('opaque ids', () => {
  it('are stable hashes that carry neither the bank account id nor the number', () => {
    const id = accountIdOf('psu_alice', 'sandbox-obie', '40104597269917');
    expect(id).toMatch(/^acc_[A-Za-z0-9_-]{24}$/);
    expect(id).not.toContain('4010');
    expect(accountIdOf('psu_alice', 'sandbox-obie', '40104597269917')).toBe(id);
    expect(accountIdOf('psu_bob', 'sandbox-obie', '40104597269917')).not.toBe(id);
    expect(transactionIdOf(id, 'T1')).toMatch(/^txn_/);
  });
});
