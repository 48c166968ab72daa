import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/shared/config/index.ts';
import { connectionKeyFromFile } from '../../src/subgraphs/accounts/crypto/key-file.ts';
import { accountIdOf, transactionIdOf } from '../../src/subgraphs/accounts/crypto/ids.ts';
import {
  SealedValueError,
  SecretBox,
  keyIdOf,
} from '../../src/subgraphs/accounts/crypto/secret-box.ts';

const key = () => randomBytes(32);

describe('SecretBox: bank tokens and account identifiers at rest', () => {
  it('opens what it sealed, and the ciphertext carries the key id, not the plaintext', () => {
    const k = key();
    const box = new SecretBox(k);
    const sealed = box.seal('GB29NWBK60161331926819', 'account:acc_1:identification');
    expect(sealed.split('.')).toHaveLength(5);
    expect(sealed.split('.')[1]).toBe(keyIdOf(k));
    expect(sealed).not.toContain('NWBK');
    expect(box.open(sealed, 'account:acc_1:identification')).toBe('GB29NWBK60161331926819');
  });

  it('seals the same value differently each time (random IV)', () => {
    const box = new SecretBox(key());
    expect(box.seal('x', 'c')).not.toBe(box.seal('x', 'c'));
  });

  it('a ciphertext copied onto another row does not open (context is associated data)', () => {
    const box = new SecretBox(key());
    const sealed = box.seal('access-token', 'connection:con_a');
    expect(() => box.open(sealed, 'connection:con_b')).toThrow(SealedValueError);
  });

  it('a tampered ciphertext does not open', () => {
    const box = new SecretBox(key());
    const parts = box.seal('access-token', 'c').split('.');
    const bytes = Buffer.from(parts[3]!, 'base64url');
    bytes[0] = bytes[0]! ^ 1;
    parts[3] = bytes.toString('base64url');
    expect(() => box.open(parts.join('.'), 'c')).toThrow(SealedValueError);
    expect(() => box.open('not-sealed', 'c')).toThrow(SealedValueError);
  });

  it('rotation: a rotated-out key still opens old values, new values use the new key', () => {
    const oldKey = key();
    const newKey = key();
    const before = new SecretBox(oldKey).seal('token', 'c');
    const after = new SecretBox(newKey, [oldKey]);
    expect(after.open(before, 'c')).toBe('token');
    expect(after.isStale(before)).toBe(true);
    const resealed = after.seal('token', 'c');
    expect(after.isStale(resealed)).toBe(false);
    expect(resealed.split('.')[1]).toBe(keyIdOf(newKey));
    expect(() => new SecretBox(newKey).open(before, 'c')).toThrow(/No key/);
  });

  it('refuses keys that are not 256 bits, in the box and in the configuration', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
    expect(() =>
      loadConfig({ CONNECTION_ENCRYPTION_KEY: randomBytes(16).toString('base64') }),
    ).toThrow(/CONNECTION_ENCRYPTION_KEY/);
    const k = randomBytes(32).toString('base64');
    expect(loadConfig({ CONNECTION_ENCRYPTION_KEY: k }).accounts.encryptionKey).toBe(k);
  });

  it('generates the embedded key once, owner-only, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-key-'));
    try {
      const first = connectionKeyFromFile(dir);
      expect(Buffer.from(first, 'base64')).toHaveLength(32);
      expect(connectionKeyFromFile(dir)).toBe(first);
      const file = join(dir, 'connection-encryption.key');
      expect(readFileSync(file, 'utf8')).toBe(first);
      expect(statSync(file).mode & 0o777).toBe(0o600);
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
