import { createCipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/shared/config/index.ts';
import { keyIdOf } from '../../src/shared/crypto/secret-box.ts';
import { AppError } from '../../src/shared/errors/index.ts';
import { Keyring, paymentsKeysOf } from '../../src/subgraphs/payments/services/keyring.ts';

const newKey = () => randomBytes(32).toString('base64');
const idOf = (key: string) => keyIdOf(Buffer.from(key, 'base64'));

function refusal(open: () => unknown): AppError {
  try {
    open();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected the value not to open');
}

describe('payments keyring: sealed values', () => {
  it('seals under the payments key, naming it by key id, and opens what it sealed', () => {
    const key = newKey();
    const keys = new Keyring({ key });
    const sealed = keys.seal({ scheme: 'IBAN', identification: 'GB29NWBK60161331926819' }, 'c');
    expect(sealed.split('.')).toHaveLength(5);
    expect(sealed.split('.')[1]).toBe(idOf(key));
    expect(sealed).not.toContain('NWBK');
    expect(keys.unseal(sealed, 'c')).toEqual({
      scheme: 'IBAN',
      identification: 'GB29NWBK60161331926819',
    });
  });

  it('a value copied onto another consent does not open: CONFLICT, create a new consent', () => {
    const keys = new Keyring({ key: newKey() });
    const sealed = keys.seal({ token: 't' }, 'session:pc_a');
    const error = refusal(() => keys.unseal(sealed, 'session:pc_b'));
    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual({ reason: 'sealed_data_unreadable' });
  });

  it('rotation: key B with A as previous opens A’s values and seals new ones under B', () => {
    const a = newKey();
    const b = newKey();
    const before = new Keyring({ key: a }).seal({ token: 'old' }, 'c');
    const rotated = new Keyring({ key: b, previousKeys: [a] });
    expect(rotated.unseal(before, 'c')).toEqual({ token: 'old' });
    expect(rotated.seal({ token: 'new' }, 'c').split('.')[1]).toBe(idOf(b));
  });

  it('rotation without the previous key: a clear CONFLICT, not a crash', () => {
    const before = new Keyring({ key: newKey() }).seal({ token: 'old' }, 'c');
    const error = refusal(() => new Keyring({ key: newKey() }).unseal(before, 'c'));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/create a new payment consent/);
  });

  it('a box sealed by earlier versions (4 parts, key derived from the internal secret) is refused the same way', () => {
    const secret = 'x'.repeat(40);
    const sealKey = Buffer.from(hkdfSync('sha256', secret, 'ledgergraph-payments', 'seal:v1', 32));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
    cipher.setAAD(Buffer.from('c'));
    const body = Buffer.concat([cipher.update('{"token":"old"}', 'utf8'), cipher.final()]);
    const legacy = ['v1', ...[iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'))];
    expect(refusal(() => new Keyring({ key: newKey() }).unseal(legacy.join('.'), 'c')).code).toBe(
      'CONFLICT',
    );
  });
});

describe('payments keyring: one-time code MACs', () => {
  it('depend on the payments key alone (the keyring is never given the internal secret)', () => {
    const key = newKey();
    const mac = new Keyring({ key }).mac('chl_1:123456');
    expect(new Keyring({ key }).mac('chl_1:123456')).toBe(mac);
    expect(new Keyring({ key: newKey() }).mac('chl_1:123456')).not.toBe(mac);
    expect(new Keyring({ key }).macMatches('chl_1:123456', mac)).toBe(true);
    expect(new Keyring({ key }).macMatches('chl_1:654321', mac)).toBe(false);
  });

  it('are not keyed with the sealing key itself', () => {
    const key = newKey();
    const withSealingKey = createHmac('sha256', Buffer.from(key, 'base64'))
      .update('chl_1:123456')
      .digest('base64url');
    expect(new Keyring({ key }).mac('chl_1:123456')).not.toBe(withSealingKey);
  });

  it('a code issued before a rotation still verifies; new codes use the new key', () => {
    const a = newKey();
    const b = newKey();
    const issued = new Keyring({ key: a }).mac('chl_1:123456');
    const rotated = new Keyring({ key: b, previousKeys: [a] });
    expect(rotated.macMatches('chl_1:123456', issued)).toBe(true);
    expect(rotated.mac('chl_1:123456')).toBe(new Keyring({ key: b }).mac('chl_1:123456'));
    expect(new Keyring({ key: b }).macMatches('chl_1:123456', issued)).toBe(false);
  });
});

describe('payments keys in the configuration', () => {
  it('PAYMENTS_ENCRYPTION_KEY and _PREVIOUS_KEYS are 256-bit base64 keys', () => {
    const [current, old1, old2] = [newKey(), newKey(), newKey()];
    const config = loadConfig({
      PAYMENTS_ENCRYPTION_KEY: current,
      PAYMENTS_ENCRYPTION_PREVIOUS_KEYS: ` ${old1}, ${old2} `,
    }).payments;
    expect(config.encryptionKey).toBe(current);
    expect(config.previousEncryptionKeys).toEqual([old1, old2]);
    expect(paymentsKeysOf(config)).toEqual({ key: current, previousKeys: [old1, old2] });
    const short = randomBytes(16).toString('base64');
    expect(() => loadConfig({ PAYMENTS_ENCRYPTION_KEY: short })).toThrow(/PAYMENTS_ENCRYPTION_KEY/);
    expect(() => loadConfig({ PAYMENTS_ENCRYPTION_PREVIOUS_KEYS: `${old1},${short}` })).toThrow(
      /PAYMENTS_ENCRYPTION_PREVIOUS_KEYS/,
    );
  });

  it('unset: the embedded default generates DATA_DIR/payments.key once, owner-only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-payments-key-'));
    try {
      const config = loadConfig({ DATA_DIR: dir }).payments;
      expect(config.encryptionKeyFile).toBe(join(dir, 'payments.key'));
      const first = paymentsKeysOf(config).key;
      expect(Buffer.from(first, 'base64')).toHaveLength(32);
      expect(paymentsKeysOf(config).key).toBe(first);
      expect(statSync(join(dir, 'payments.key')).mode & 0o777).toBe(0o600);
      // Not the accounts key: each service seals under its own.
      expect(existsSync(join(dir, 'connection-encryption.key'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('set: no key file is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-payments-key-'));
    try {
      const key = newKey();
      expect(
        paymentsKeysOf(loadConfig({ DATA_DIR: dir, PAYMENTS_ENCRYPTION_KEY: key }).payments),
      ).toMatchObject({ key });
      expect(existsSync(join(dir, 'payments.key'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
