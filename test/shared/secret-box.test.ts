import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyFromFile } from '../../src/shared/crypto/key-file.ts';
import { SealedValueError, SecretBox, keyIdOf } from '../../src/shared/crypto/secret-box.ts';

const key = () => randomBytes(32);

describe('SecretBox: a service’s secrets at rest', () => {
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

  it('refuses keys that are not 256 bits', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => new SecretBox(key(), [randomBytes(31)])).toThrow(/32 bytes/);
  });
});

describe('keyFromFile: the embedded default’s generated key', () => {
  it('generates the key once, owner-only, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-key-'));
    try {
      const file = join(dir, 'nested', 'some.key');
      const first = keyFromFile(file);
      expect(Buffer.from(first, 'base64')).toHaveLength(32);
      expect(keyFromFile(file)).toBe(first);
      expect(readFileSync(file, 'utf8')).toBe(first);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(keyFromFile(join(dir, 'other.key'))).not.toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
